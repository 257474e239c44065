import { APP_VERSION } from '../core/version'
import { Command } from 'commander'
import { nonEmpty } from './args'
import { registerApiKey } from './commands/api-key'
import { FlowKeysCommand } from './help-text'
import { registerExportEnv } from './commands/export-env'
import { registerImportEnv } from './commands/import-env'
import { registerKeys } from './commands/keys'
import { registerRun } from './commands/run'
import { registerServe } from './commands/serve'
import { registerStore } from './commands/store'
import { registerUpstream } from './commands/upstream'
import { registerUsers } from './commands/users'
import { registerVars } from './commands/vars'
import { registerVault } from './commands/vault'
import { EXIT_OK, reportError } from './exit'
import type { CliIO } from './io'

const PROGRAM_HELP = `
Every command accepts --data-dir (before or after the command name); without it FlowKeys uses
FLOWKEYS_DATA_DIR, then the desktop app's own folder, so the CLI and the app share one store and vault.
The CLI acts as the configured superuser (LANGFLOW_SUPERUSER, default "langflow").
A team store on PostgreSQL is chosen with FLOWKEYS_DATABASE_URL (or FLOWKEYS_DATABASE_URL_FILE, or
--database-url without a password); its vault key comes from FLOWKEYS_SECRET_KEY(_FILE).

Exit codes: 0 success, 1 refused (the reason is one line on stderr), 2 bad usage.

Examples:
  $ flowkeys api-key --name ci --expires-in 30d
  $ flowkeys keys list
  $ flowkeys users add alice
  $ flowkeys --data-dir ./flowkeys-data keys revoke ci`

/**
 * Command families, each registering its commands on the program. Later families (serve, import-env,
 * export-env, vars, run) add one module and one line here.
 */
const FAMILIES: ((program: Command, io: CliIO) => void)[] = [
  registerApiKey,
  registerKeys,
  registerUsers,
  registerImportEnv,
  registerExportEnv,
  registerVars,
  registerRun,
  registerServe,
  registerStore,
  registerUpstream,
  registerVault
]

/** The `flowkeys` program, writing to `io`. Build one per run: commander keeps parsed values on it. */
export function buildProgram(io: CliIO): Command {
  const program = new FlowKeysCommand('flowkeys')
    .description('FlowKeys: Langflow API keys, users and credentials from the command line')
    .version(APP_VERSION, '-V, --version', 'print the FlowKeys version')
    .option('--data-dir <dir>', 'the FlowKeys data directory', nonEmpty)
    .option('--database-url <url>', 'a PostgreSQL team store (no password here: see below)', nonEmpty)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
      // Errors are reported once, by reportError, in the CLI's own one-line format.
      outputError: () => undefined
    })
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', PROGRAM_HELP)
  for (const register of FAMILIES) register(program, io)
  return program
}

/** `flowkeys keys list` for argv ['keys', 'list', '--bogus']: the command a usage error is about. */
function commandPath(program: Command, argv: string[]): string {
  const names = [program.name()]
  let command = program
  for (const arg of argv) {
    const next = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg))
    if (!next) continue
    names.push(next.name())
    command = next
  }
  return names.join(' ')
}

/** Runs one command line (without the node and script arguments) and returns the exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const program = buildProgram(io)
  try {
    await program.parseAsync(argv, { from: 'user' })
    return io.exitCode ?? EXIT_OK
  } catch (err) {
    return reportError(err, io, commandPath(program, argv))
  }
}
