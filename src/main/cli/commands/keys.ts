import type { Command } from 'commander'
import type { Core } from '../../core/open'
import { keyStatus, shortMask } from '../../../shared/api-key-display'
import { looksLikeApiKey, maskApiKey } from '../../keys/generate'
import type { ApiKeyRead } from '../../keys/service'
import type { Actor } from '../../users/actor'
import { nonEmpty } from '../args'
import { CliError, usageError } from '../exit'
import { cancelled, confirm } from '../prompt'
import type { CliIO } from '../io'
import { humanDate, json, table } from '../output'
import { resolveUser, usernames, withCore } from '../session'
import { terminalText } from '../terminal-text'

interface ListOptions {
  user?: string
  json?: boolean
}

interface RenameOptions {
  user?: string
}

interface RevokeOptions {
  user?: string
  yes?: boolean
}

const LIST_EXAMPLES = `
Without --user, lists every user's keys (the CLI acts as the superuser), with a USER column.
--json prints a list of Langflow ApiKeyRead objects (keys masked).

Examples:
  $ flowkeys keys list
  $ flowkeys keys list --user alice
  $ flowkeys keys list --json | jq -r '.[] | select(.total_uses == 0) | .id'`

const REVOKE_EXAMPLES = `
Each argument is a key id or a key name. Every argument is checked before anything is revoked: an unknown id
or name, or a name that several keys share (they are listed; revoke by id), revokes nothing. A revoked key is
refused at once, also by a key server that is already running.

Examples:
  $ flowkeys keys revoke 3f2b9c1e-7d4a-4b7e-9a51-0c2d8e6f1a23
  $ flowkeys keys revoke ci deploy
  $ flowkeys keys revoke ci --user alice --yes   (no question: for scripts)`

function keyTable(keys: ApiKeyRead[], owners: Map<string, string> | null): string {
  const now = new Date()
  const headers = ['ID', 'KEY', 'NAME', 'CREATED', 'LAST USED', 'USES', 'EXPIRES', 'STATUS']
  if (owners) headers.push('USER')
  const rows = keys.map((k) => {
    const row = [
      k.id,
      shortMask(k.api_key),
      k.name ?? '',
      humanDate(k.created_at, now),
      humanDate(k.last_used_at, now),
      String(k.total_uses),
      humanDate(k.expires_at, now),
      keyStatus(k, now.getTime())
    ]
    if (owners) row.push(owners.get(k.user_id) ?? k.user_id)
    return row
  })
  return table(headers, rows)
}

/** What an argument names in a message: a pasted full key is shown masked, never echoed. */
function safeArg(arg: string): string {
  return looksLikeApiKey(arg) ? maskApiKey(arg) : arg
}

/**
 * The keys `args` name, one per argument (duplicates removed), checked all before any is revoked: an unknown or
 * ambiguous argument throws and nothing is revoked.
 */
async function resolveKeys(
  core: Core,
  actor: Actor,
  args: string[],
  userId: string | undefined,
  action: 'revoke' | 'rename' = 'revoke'
): Promise<ApiKeyRead[]> {
  const owners = await usernames(core)
  const found = new Map<string, ApiKeyRead>()
  for (const arg of args) {
    const matches = (await core.keys.find(actor, arg, { acrossUsers: true })).filter(
      (k) => userId === undefined || k.user_id === userId
    )
    const byId = matches.filter((k) => k.id === arg)
    const chosen = byId.length === 1 ? byId : matches
    if (chosen.length === 0) throw new CliError(`API Key not found: ${safeArg(arg)}`)
    if (chosen.length > 1) {
      throw new CliError(
        `${chosen.length} API keys are named "${arg}"; nothing was ${action}d. ${action === 'revoke' ? 'Revoke' : 'Rename'} by id:`,
        undefined,
        chosen.map((k) => `${k.id}  ${shortMask(k.api_key)}  ${owners.get(k.user_id) ?? k.user_id}`)
      )
    }
    const key = chosen[0]!
    found.set(key.id, key)
  }
  return [...found.values()]
}

const RENAME_EXAMPLES = `
The key goes on working under its new name; clients that use it notice nothing.

Examples:
  $ flowkeys keys rename 3f2b9c1e-7d4a-4b7e-9a51-0c2d8e6f1a23 "CI (GitHub)"
  $ flowkeys keys rename ci "ci deploy"
  $ flowkeys keys rename ci ci-old --user alice`

/** `flowkeys keys list|rename|revoke`. */
export function registerKeys(program: Command, io: CliIO): void {
  const keys = program
    .command('keys')
    .description('List, rename and revoke Langflow API keys')
    .addHelpText(
      'after',
      `
Examples:
  $ flowkeys keys list
  $ flowkeys keys rename ci "ci (GitHub Actions)"
  $ flowkeys keys revoke ci`
    )

  keys
    .command('list')
    .description('List API keys (masked), with their usage and expiry')
    .option('--user <user>', "only this user's keys (username or id)", nonEmpty)
    .option('--json', 'print the keys as JSON')
    .addHelpText('after', LIST_EXAMPLES)
    .action((options: ListOptions, command: Command) =>
      withCore(io, command, async (core, actor) => {
        const list = options.user
          ? (await core.keys.list(actor, (await resolveUser(core, options.user)).id)).api_keys
          : await core.keys.listAll(actor)
        if (options.json) io.out(json(list))
        else if (list.length === 0) io.out('No API keys.')
        else io.out(keyTable(list, options.user ? null : await usernames(core)))
      })
    )

  keys
    .command('rename')
    .description('Give an API key a new name (the key itself does not change)')
    .argument('<key>', 'the key id or its current name')
    .argument('<new-name>', 'the new name (at most 255 characters)')
    .option('--user <user>', "only look among this user's keys (username or id)", nonEmpty)
    .addHelpText('after', RENAME_EXAMPLES)
    .action((arg: string, name: string, options: RenameOptions, command: Command) =>
      withCore(io, command, async (core, actor) => {
        const userId = options.user ? (await resolveUser(core, options.user)).id : undefined
        const [key] = await resolveKeys(core, actor, [arg], userId, 'rename')
        const renamed = await core.keys.rename(actor, key!.id, name, { acrossUsers: true })
        const before = key!.name ? `"${key!.name}" ` : ''
        io.out(
          terminalText(
            `Renamed API key ${before}${shortMask(renamed.api_key)} (${renamed.id}) to "${renamed.name}"`
          )
        )
      })
    )

  keys
    .command('revoke')
    .description('Revoke (delete) API keys by id or name')
    .argument('<key...>', 'key ids or names')
    .option('--user <user>', "only look among this user's keys (username or id)", nonEmpty)
    .option('-y, --yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .addHelpText('after', REVOKE_EXAMPLES)
    .action((args: string[], options: RevokeOptions, command: Command) =>
      withCore(io, command, async (core, actor) => {
        const userId = options.user ? (await resolveUser(core, options.user)).id : undefined
        const owners = await usernames(core)
        const keys = await resolveKeys(core, actor, args, userId)
        if (!options.yes) {
          if (!io.stdin.isTTY) throw usageError('revoking needs confirmation: pass --yes')
          const what = keys.map((k) => (k.name ? `"${k.name}"` : shortMask(k.api_key))).join(', ')
          const question = `Revoke ${keys.length === 1 ? 'API key' : `${keys.length} API keys`} ${what}? Clients using ${keys.length === 1 ? 'it' : 'them'} are refused at once.`
          if (!(await confirm(io, terminalText(question)))) throw cancelled()
        }
        await core.keys.revokeMany(
          actor,
          keys.map((k) => k.id),
          { acrossUsers: true }
        )
        for (const key of keys) {
          const name = key.name ? ` "${key.name}"` : ''
          const owner = owners.get(key.user_id) ?? key.user_id
          io.out(terminalText(`Revoked API key${name} ${shortMask(key.api_key)} (${key.id}) of ${owner}`))
        }
      })
    )
}
