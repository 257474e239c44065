import { Option, type Command } from 'commander'
import type { VariableRecord, VariableType } from '../../store/schema'
import { isEnvName } from '../../../shared/env-name'
import { providerDefaultFields } from '../../variables/providers'
import { nonEmpty } from '../args'
import { usageError } from '../exit'
import type { CliIO } from '../io'
import { humanDate, json, table } from '../output'
import { cancelled, confirm, promptHidden } from '../prompt'
import { withCore } from '../session'
import { terminalText } from '../terminal-text'
import { parseFields, parseVariableType, recordsByName, requireNames, targetUserId } from '../variable-args'

interface UserOption {
  user?: string
}

interface SetOptions extends UserOption {
  type?: VariableType
  fields?: string[]
  valueStdin?: boolean
  value?: unknown
}

/** How a Credential's value shows in a listing; Generic values are shown, as Langflow's list shows them. */
export const MASKED = '********'

const SHOWN_CHARS = 40

const USER_OPTION = ['--user <user>', 'act for this user (username or id) instead of the superuser'] as const

const SET_HELP = `
Creates the variable, or updates its value (and its type or fields when given). The value is asked on the
terminal (never echoed), or read from stdin with --value-stdin: all of it, without one trailing line ending,
so multi-line values (certificates) work. It is never taken from the command line, where other processes and
the shell history see it. A new variable named after a known provider (OPENAI_API_KEY…) gets Langflow's
default fields unless --fields is given.

Examples:
  $ flowkeys vars set OPENAI_API_KEY
  $ printf '%s' "$TOKEN" | flowkeys vars set GITHUB_TOKEN --value-stdin
  $ flowkeys vars set MODEL_NAME --type Generic --fields "OpenAI,model_name" \\
      --value-stdin < model.txt`

/** A Generic value on one table line: line breaks and other controls escaped (\\n), long values cut. */
function displayValue(record: VariableRecord, value: string | null): string {
  if (record.type === 'Credential' || value === null) return MASKED
  const flat = terminalText(value)
  return flat.length > SHOWN_CHARS ? `${flat.slice(0, SHOWN_CHARS - 1)}…` : flat
}

function readAllText(input: CliIO['stdin']): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    input.on('data', (chunk: Buffer | string) =>
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
    )
    input.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    input.on('error', reject)
    input.resume()
  })
}

/** The value to set: stdin (all of it, one trailing line ending dropped) or a hidden prompt. Never argv. */
async function readValue(io: CliIO, name: string, fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const text = (await readAllText(io.stdin)).replace(/\r?\n$/, '')
    if (text === '') throw usageError('--value-stdin: stdin is empty')
    return text
  }
  const question = terminalText(`Value of ${name}: `)
  const value = await promptHidden(io, question, 'value: pass --value-stdin and pipe it in')
  if (value === '') throw usageError('the value must not be empty')
  return value
}

/** `flowkeys vars list|set|get|delete`: one variable at a time. */
export function registerVars(program: Command, io: CliIO): void {
  const vars = program
    .command('vars')
    .description('Manage global variables (Credential and Generic) one by one')
    .addHelpText(
      'after',
      `
Variables belong to one user: the superuser unless --user. Values are encrypted at rest; \`vars get\` is the
one command that prints a value.

Examples:
  $ flowkeys vars list
  $ flowkeys vars set OPENAI_API_KEY
  $ flowkeys vars get OPENAI_API_KEY
  $ flowkeys vars delete OLD_TOKEN --yes`
    )

  vars
    .command('list')
    .description('List variables (Credential values masked, Generic values shown)')
    .option(...USER_OPTION, nonEmpty)
    .option('--json', 'print Langflow VariableRead objects (Credential values null)')
    .addHelpText('after', '\nExamples:\n  $ flowkeys vars list\n  $ flowkeys vars list --user alice --json')
    .action((options: UserOption & { json?: boolean }, command: Command) =>
      withCore(io, command, async (core, actor) => {
        const userId = await targetUserId(core, actor, options.user)
        const list = await core.variables.list(userId)
        if (options.json) {
          io.out(json(list))
          return
        }
        if (list.length === 0) {
          io.out('No variables.')
          return
        }
        const records = await recordsByName(core, userId)
        const now = new Date()
        const rows = list
          .map((v) => ({ read: v, record: records.get(v.name)! }))
          .sort((a, b) => (a.read.name < b.read.name ? -1 : 1))
          .map(({ read, record }) => [
            read.name,
            read.type,
            displayValue(record, read.value),
            read.default_fields.join(', '),
            humanDate(record.updated_at, now)
          ])
        io.out(table(['NAME', 'TYPE', 'VALUE', 'DEFAULT FIELDS', 'UPDATED'], rows))
      })
    )

  vars
    .command('set')
    .description('Create a variable or change its value (asked, or read from stdin; never from argv)')
    .argument('<name>', 'the variable name', nonEmpty)
    .option(...USER_OPTION, nonEmpty)
    .option('--type <type>', 'Credential (the default for a new variable) or Generic', parseVariableType)
    .option('--fields <fields>', 'Langflow\'s default_fields, comma-separated ("" clears them)', parseFields)
    .option('--value-stdin', 'read the value from stdin')
    .addOption(new Option('--value [value]').hideHelp())
    .addHelpText('after', SET_HELP)
    .action((name: string, options: SetOptions, command: Command) => {
      if (options.value !== undefined) {
        throw usageError(
          'values are never taken from the command line (other processes and the shell history see them): ' +
            'use --value-stdin or type it at the prompt'
        )
      }
      return withCore(io, command, async (core, actor) => {
        const userId = await targetUserId(core, actor, options.user)
        const existing = (await recordsByName(core, userId)).get(name)
        const value = await readValue(io, name, options.valueStdin === true)
        if (existing) {
          const updated = await core.variables.update(userId, existing.id, {
            value,
            type: options.type,
            default_fields: options.fields
          })
          io.out(terminalText(`Updated ${updated.type} variable ${updated.name}.`))
        } else {
          const created = await core.variables.create(userId, {
            name,
            value,
            type: options.type,
            default_fields: options.fields ?? providerDefaultFields(name)
          })
          io.out(terminalText(`Created ${created.type} variable ${created.name}.`))
          if (!isEnvName(created.name)) {
            io.err(
              terminalText(
                `flowkeys: warning: ${created.name} is not a .env name (letters, digits and _): export-env and run leave it out`
              )
            )
          }
        }
      })
    })

  vars
    .command('get')
    .description("Print a variable's decrypted value to stdout")
    .argument('<name>', 'the variable name')
    .option(...USER_OPTION, nonEmpty)
    .addHelpText(
      'after',
      '\nExamples:\n  $ flowkeys vars get OPENAI_API_KEY\n  $ export OPENAI_API_KEY="$(flowkeys vars get OPENAI_API_KEY)"'
    )
    .action((name: string, options: UserOption, command: Command) =>
      withCore(io, command, async (core, actor) => {
        const userId = await targetUserId(core, actor, options.user)
        io.out((await core.variables.get(userId, name)).value)
      })
    )

  vars
    .command('delete')
    .description('Delete variables by name')
    .argument('<name...>', 'variable names')
    .option(...USER_OPTION, nonEmpty)
    .option('-y, --yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .addHelpText(
      'after',
      `
Every name is checked first: an unknown name deletes nothing.

Examples:
  $ flowkeys vars delete OLD_TOKEN
  $ flowkeys vars delete A B C --yes`
    )
    .action((names: string[], options: UserOption & { yes?: boolean }, command: Command) =>
      withCore(io, command, async (core, actor) => {
        const userId = await targetUserId(core, actor, options.user)
        const unique = [...new Set(names)]
        const records = await recordsByName(core, userId)
        requireNames(records, unique, 'Nothing was deleted.')
        if (!options.yes) {
          if (!io.stdin.isTTY) throw usageError('deleting variables needs confirmation: pass --yes')
          const what =
            unique.length === 1
              ? `variable ${unique[0]}`
              : `${unique.length} variables (${unique.join(', ')})`
          if (!(await confirm(io, terminalText(`Delete ${what}?`)))) throw cancelled()
        }
        await core.variables.deleteMany(
          userId,
          unique.map((name) => records.get(name)!.id)
        )
        for (const name of unique) io.out(terminalText(`Deleted variable ${name}.`))
      })
    )
}
