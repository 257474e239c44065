import type { VariableType } from '../store/schema'

/**
 * Last words of a name that hold a secret: `OPENAI_API_KEY`, `GITHUB_TOKEN`, `DB_PASS`, `WATSONX_APIKEY`… A PEM or
 * certificate is often pasted with its private key, so it is hidden too: a wrong Credential only hides a value,
 * a wrong Generic shows a secret.
 */
const SECRET_LAST_WORDS = new Set([
  'KEY',
  'APIKEY',
  'TOKEN',
  'SECRET',
  'PASSWORD',
  'PASSWD',
  'PASS',
  'PWD',
  'PASSPHRASE',
  'CREDENTIAL',
  'CREDENTIALS',
  'PEM',
  'CERT',
  'CERTIFICATE',
  'SALT',
  'DSN'
])

/** Words that make a name secret wherever they are: `AWS_SECRET_ACCESS_KEY_ID`, `PASSWORD_HASH`… */
const SECRET_WORDS = new Set(['SECRET', 'PASSWORD', 'PASSWD', 'PASSPHRASE', 'CREDENTIAL', 'CREDENTIALS'])

/** Whole endings that usually embed a password (`postgresql://user:password@host/db`). */
const SECRET_ENDINGS = ['DATABASE_URL', 'CONNECTION_STRING', 'ACCESS_KEY_ID']

/**
 * The type a variable named `name` most likely needs: Credential (hidden) for names that say they hold a secret
 * (`*_KEY`, `*_TOKEN`, `*_SECRET`, `*_PASSWORD`, `*_PASS`, `*_CREDENTIALS`, `*_DATABASE_URL`…), Generic
 * (visible) otherwise, so `ASTRA_DB_API_ENDPOINT`, `LANGFLOW_PORT` or `OPENAI_MAX_TOKENS` stay readable. Case
 * does not matter. Both the CLI and the app use it as the default type of an imported line.
 */
export function guessVariableType(name: string): VariableType {
  const upper = name.toUpperCase()
  const words = upper.split(/[^A-Z0-9]+/).filter((w) => w !== '')
  const last = words[words.length - 1] ?? ''
  if (SECRET_LAST_WORDS.has(last)) return 'Credential'
  if (words.some((w) => SECRET_WORDS.has(w))) return 'Credential'
  if (SECRET_ENDINGS.some((end) => upper === end || upper.endsWith(`_${end}`))) return 'Credential'
  return 'Generic'
}
