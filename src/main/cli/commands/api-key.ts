import { InvalidArgumentError, type Command } from 'commander'
import { nonEmpty, parseDuration } from '../args'
import type { CliIO } from '../io'
import { box, json, localDateTime, styles } from '../output'
import { resolveUser, withCore } from '../session'
import { terminalText } from '../terminal-text'

interface ApiKeyOptions {
  name: string
  user?: string
  expiresIn?: number
  flows?: string[]
  json?: boolean
}

/** `--flows A,B`: the flow ids or endpoint names, comma-separated. */
function flowList(value: string): string[] {
  const flows = value.split(',').map((f) => f.trim())
  if (flows.some((f) => f === ''))
    throw new InvalidArgumentError('give flow ids or endpoint names, comma-separated')
  return flows
}

/** Langflow's CLI names its keys "CLI"; so do we, unless told otherwise. */
export const DEFAULT_KEY_NAME = 'CLI'

const EXAMPLES = `
Examples:
  $ flowkeys api-key
  $ flowkeys api-key --name ci --expires-in 30d
  $ flowkeys api-key --name deploy --user alice --json | jq -r .api_key
  $ flowkeys api-key --name bot --user alice --flows support-bot,3f2a…

Unlike \`langflow api-key\`, this works whatever LANGFLOW_AUTO_LOGIN says (the CLI already holds the store and
its vault key) and never deletes an existing key.`

/**
 * `flowkeys api-key`: creates a key and shows it once, in a box like Langflow's banner, or as JSON for scripts.
 * The key goes to stdout only; the store keeps its HMAC.
 */
export function registerApiKey(program: Command, io: CliIO): void {
  program
    .command('api-key')
    .description('Create a Langflow API key and show it once')
    .option('--name <name>', 'name of the key', nonEmpty, DEFAULT_KEY_NAME)
    .option(
      '--user <user>',
      'create the key for this user (username or id) instead of the superuser',
      nonEmpty
    )
    .option(
      '--expires-in <duration>',
      'expire the key after 90m, 12h, 30d, 1w, 1y… (default: never)',
      parseDuration
    )
    .option(
      '--flows <flows>',
      'let the key run only these flows through the gateway (ids or endpoint names, comma-separated)',
      flowList
    )
    .option(
      '--json',
      'print {id, name, api_key, user_id, created_at, expires_at, allowed_flows} instead of the banner'
    )
    .addHelpText('after', EXAMPLES)
    .action((options: ApiKeyOptions, command: Command) =>
      withCore(io, command, async (core, actor) => {
        const user = options.user ? await resolveUser(core, options.user) : await core.users.get(actor.id)
        const expiresAt =
          options.expiresIn === undefined ? null : new Date(Date.now() + options.expiresIn).toISOString()
        const { key, api_key } = await core.keys.create(
          actor,
          { name: options.name, expires_at: expiresAt, allowed_flows: options.flows },
          user.id
        )
        if (options.json) {
          const { id, name, user_id, created_at, expires_at, allowed_flows } = key
          io.out(json({ id, name, api_key, user_id, created_at, expires_at, allowed_flows }))
          return
        }
        const s = styles(io)
        const expires = key.expires_at ? localDateTime(new Date(key.expires_at)) : 'never'
        io.out(
          box([
            s.bold('API Key Created Successfully:'),
            '',
            s.bold(s.blue(api_key)),
            '',
            'This is the only time the API key will be displayed.',
            'Make sure to store it in a secure location.',
            '',
            // Escaped before styling: box() measures and prints its lines as given.
            s.dim(terminalText(`Name: ${key.name ?? ''}   User: ${user.username}   Expires: ${expires}`)),
            ...(key.allowed_flows ? [s.dim(terminalText(`Runs only: ${key.allowed_flows.join(', ')}`))] : [])
          ])
        )
      })
    )
}
