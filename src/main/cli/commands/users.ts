import type { Command } from 'commander'
import type { UserRead, UserUpdate } from '../../users/service'
import { nonEmpty } from '../args'
import { CliError, usageError } from '../exit'
import type { CliIO } from '../io'
import { humanDate, json, table, yesNo } from '../output'
import { cancelled, confirm, promptHidden, readFirstLine } from '../prompt'
import { resolveUser, withCore } from '../session'
import { terminalText } from '../terminal-text'

interface AddOptions {
  superuser?: boolean
  inactive?: boolean
  passwordStdin?: boolean
  json?: boolean
}

const ADD_EXAMPLES = `
The password is asked twice on the terminal (never echoed), or read from the first line of stdin with
--password-stdin. It is never taken from the command line, where other processes and the shell history see it.

Examples:
  $ flowkeys users add alice
  $ flowkeys users add bob --superuser
  $ printf '%s\\n' "$BOB_PASSWORD" | flowkeys users add bob --password-stdin`

/** One-flag changes: `flowkeys users <name> <user>` applies `patch` and says what the user now is. */
const FLAG_COMMANDS: { name: string; description: string; patch: UserUpdate; now: string }[] = [
  {
    name: 'activate',
    description: 'Let a user log in and use its API keys',
    patch: { is_active: true },
    now: 'active'
  },
  {
    name: 'deactivate',
    description: 'Stop a user from logging in or using its API keys (they are kept)',
    patch: { is_active: false },
    now: 'inactive'
  },
  {
    name: 'promote',
    description: 'Make a user a superuser (manages users; its API keys get superuser rights)',
    patch: { is_superuser: true },
    now: 'a superuser'
  },
  {
    name: 'demote',
    description: 'Make a superuser a regular user',
    patch: { is_superuser: false },
    now: 'a regular user'
  }
]

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`
}

function userTable(users: UserRead[]): string {
  const now = new Date()
  return table(
    ['USERNAME', 'ID', 'SUPERUSER', 'ACTIVE', 'CREATED', 'LAST LOGIN'],
    users.map((u) => [
      u.username,
      u.id,
      yesNo(u.is_superuser),
      yesNo(u.is_active),
      humanDate(u.create_at, now),
      humanDate(u.last_login_at, now)
    ])
  )
}

/** The new user's password: from stdin's first line, or typed twice on the terminal. Never from argv. */
async function readPassword(io: CliIO, fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const line = await readFirstLine(io.stdin)
    if (line === null) throw usageError('--password-stdin: stdin is empty')
    return line
  }
  const hint = 'password: pass --password-stdin and pipe it in'
  const first = await promptHidden(io, 'Password: ', hint)
  const second = await promptHidden(io, 'Repeat the password: ', hint)
  if (first !== second) throw new CliError('The passwords do not match; no user was created.')
  return first
}

/** `flowkeys users list|add|activate|deactivate|promote|demote|delete`: superuser actions. */
export function registerUsers(program: Command, io: CliIO): void {
  const users = program
    .command('users')
    .description('Manage Langflow users (superuser actions)')
    .addHelpText(
      'after',
      `
Users are named by username or id. The CLI acts as the configured superuser (LANGFLOW_SUPERUSER).

Examples:
  $ flowkeys users list
  $ flowkeys users add alice
  $ flowkeys users deactivate alice`
    )

  users
    .command('list')
    .description('List users')
    .option('--json', 'print the users as JSON (Langflow UserRead objects)')
    .addHelpText('after', '\nExamples:\n  $ flowkeys users list\n  $ flowkeys users list --json')
    .action((options: { json?: boolean }, command: Command) =>
      withCore(io, command, async (core, actor) => {
        const list = (await core.users.list(actor, { limit: Number.MAX_SAFE_INTEGER })).users
        io.out(options.json ? json(list) : userTable(list))
      })
    )

  users
    .command('add')
    .description('Create a user (active unless --inactive)')
    .argument('<username>', 'the new username', nonEmpty)
    .option('--superuser', 'make the user a superuser')
    .option('--inactive', 'create the account inactive (it cannot log in until activated)')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .option('--json', 'print the new user as JSON')
    .addHelpText('after', ADD_EXAMPLES)
    .action((username: string, options: AddOptions, command: Command) =>
      withCore(io, command, async (core, actor) => {
        const password = await readPassword(io, options.passwordStdin === true)
        const user = await core.users.create(actor, {
          username,
          password,
          is_superuser: options.superuser === true,
          is_active: options.inactive !== true
        })
        if (options.json) io.out(json(user))
        else {
          const kind = user.is_superuser ? 'superuser' : 'user'
          io.out(
            terminalText(`Created ${user.is_active ? '' : 'inactive '}${kind} ${user.username} (${user.id})`)
          )
        }
      })
    )

  for (const spec of FLAG_COMMANDS) {
    users
      .command(spec.name)
      .description(spec.description)
      .argument('<user>', 'username or id')
      .addHelpText('after', `\nExample:\n  $ flowkeys users ${spec.name} alice`)
      .action((who: string, _options: unknown, command: Command) =>
        withCore(io, command, async (core, actor) => {
          const user = await core.users.update(actor, (await resolveUser(core, who)).id, spec.patch)
          io.out(terminalText(`${user.username} is now ${spec.now}.`))
        })
      )
  }

  users
    .command('set-password')
    .description("Set a user's password; its sessions end (tokens stop working, also in a running server)")
    .argument('<user>', 'username or id')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .addHelpText(
      'after',
      `
The password is asked twice on the terminal (never echoed), or read from the first line of stdin with
--password-stdin; never from the command line. API keys keep working: revoke them with \`flowkeys keys revoke\`.

Examples:
  $ flowkeys users set-password alice
  $ printf '%s\\n' "$NEW_PASSWORD" | flowkeys users set-password alice --password-stdin`
    )
    .action((who: string, options: { passwordStdin?: boolean }, command: Command) =>
      withCore(io, command, async (core, actor) => {
        const user = await resolveUser(core, who)
        const password = await readPassword(io, options.passwordStdin === true)
        await core.users.update(actor, user.id, { password })
        io.out(terminalText(`Password of ${user.username} changed; its sessions have ended.`))
      })
    )

  users
    .command('delete')
    .description('Delete a user with its API keys and variables')
    .argument('<user>', 'username or id')
    .option('-y, --yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .addHelpText(
      'after',
      `
Asks for confirmation on a terminal. The acting superuser cannot be deleted.

Examples:
  $ flowkeys users delete alice
  $ flowkeys users delete alice --yes`
    )
    .action((who: string, options: { yes?: boolean }, command: Command) =>
      withCore(io, command, async (core, actor) => {
        const user = await resolveUser(core, who)
        const holdings =
          `${plural((await core.store.keysOf(user.id)).length, 'API key')} and ` +
          plural((await core.store.variablesOf(user.id)).length, 'variable')
        if (!options.yes) {
          if (!io.stdin.isTTY) throw usageError('deleting a user needs confirmation: pass --yes')
          const question = terminalText(`Delete user ${user.username} with its ${holdings}?`)
          if (!(await confirm(io, question))) throw cancelled()
        }
        await core.users.delete(actor, user.id)
        io.out(terminalText(`Deleted user ${user.username} with its ${holdings}.`))
      })
    )
}
