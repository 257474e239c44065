import type { Command } from 'commander'
import { isFlowKeysError } from '../../base/errors'
import { exportEnv, writeEnvFile } from '../../variables/dotenv-export'
import { isHiddenName } from '../../variables/model'
import { nonEmpty } from '../args'
import { CliError, usageError } from '../exit'
import type { CliIO } from '../io'
import { usernames, withCore } from '../session'
import { terminalText } from '../terminal-text'
import { parseNames, recordsByName, requireNames, targetUserId } from '../variable-args'

interface ExportOptions {
  user?: string
  names?: string[]
  output?: string
  force?: boolean
}

const EXAMPLES = `
Writes every variable of the user (or only --names, in that order) with its decrypted value, spelled so that
dotenv, and \`flowkeys import-env\`, read back exactly the same values (quotes, multi-line values…).
With --output the file is created readable by you only (mode 0600) and an existing file is never replaced
without --force. Without --output the text goes to stdout (a warning is printed when stdout is a terminal).

Examples:
  $ flowkeys export-env --output backup.env
  $ flowkeys export-env --names OPENAI_API_KEY,ANTHROPIC_API_KEY --output .env
  $ flowkeys export-env --user alice | flowkeys import-env - --user bob`

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`
}

/** `flowkeys export-env`: the user's variables as a .env file. */
export function registerExportEnv(program: Command, io: CliIO): void {
  program
    .command('export-env')
    .description('Export variables, with their values, as a .env file')
    .option(
      '--user <user>',
      "export this user's variables (username or id) instead of the superuser's",
      nonEmpty
    )
    .option('--names <names>', 'only these variables, comma-separated (A,B)', parseNames)
    .option('--output <file>', 'write to this file (mode 0600) instead of stdout', nonEmpty)
    .option('--force', 'replace the --output file if it exists')
    .addHelpText('after', EXAMPLES)
    .action((options: ExportOptions, command: Command) => {
      if (options.force && !options.output) throw usageError('--force only applies with --output FILE')
      return withCore(io, command, async (core, actor) => {
        const userId = await targetUserId(core, actor, options.user)
        const records = await recordsByName(core, userId)
        if (options.names) requireNames(records, options.names, 'Nothing was exported.')
        const { text, skipped } = await exportEnv(core.variables, userId, options.names)
        if (skipped.length > 0) {
          io.err(
            terminalText(
              `flowkeys: warning: not exported (not a .env name, or a value a .env file cannot hold): ${skipped.join(', ')}`
            )
          )
        }
        const count =
          (options.names?.length ?? [...records.keys()].filter((n) => !isHiddenName(n)).length) -
          skipped.length
        const who = (await usernames(core)).get(userId) ?? userId
        if (!options.output) {
          if (io.stdoutIsTTY) {
            io.err(
              'flowkeys: warning: printing secret values to the terminal; use --output FILE to keep them off it'
            )
          }
          io.out(text.replace(/\n$/, ''))
          return
        }
        try {
          writeEnvFile(options.output, text, { force: options.force === true })
        } catch (err) {
          if (isFlowKeysError(err) && err.kind === 'Conflict') {
            throw new CliError(
              `${options.output} already exists; pass --force to replace it. Nothing was written.`
            )
          }
          const code = (err as NodeJS.ErrnoException).code
          if (code) throw new CliError(`Cannot write ${options.output}: ${code}. Nothing was written.`)
          throw err
        }
        io.out(
          terminalText(`Exported ${plural(count, 'variable')} of ${who} to ${options.output} (mode 0600).`)
        )
      })
    })
}
