import { readFileSync } from 'node:fs'
import { Invalid, oneLine } from '../base/errors'

export const DATABASE_URL_VARIABLE = 'FLOWKEYS_DATABASE_URL'
export const DATABASE_URL_FILE_VARIABLE = 'FLOWKEYS_DATABASE_URL_FILE'

/** Whether a connection URL carries a password (which argv would show to every local user). */
function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== ''
  } catch {
    return false
  }
}

/**
 * The PostgreSQL URL of a team store, or undefined for the JSON file: `--database-url` (without a password),
 * else FLOWKEYS_DATABASE_URL, else the file FLOWKEYS_DATABASE_URL_FILE names.
 */
export function databaseUrlFrom(env: NodeJS.ProcessEnv, fromArgv?: string): string | undefined {
  if (fromArgv !== undefined) {
    if (hasPassword(fromArgv)) {
      throw new Invalid(
        `--database-url must not hold a password (every local user can read a command line): put the URL in ${DATABASE_URL_VARIABLE} or a file named by ${DATABASE_URL_FILE_VARIABLE}, or the password in PGPASSWORD or ~/.pgpass`
      )
    }
    return fromArgv
  }
  const fromEnv = env[DATABASE_URL_VARIABLE]?.trim()
  if (fromEnv) return fromEnv
  const file = env[DATABASE_URL_FILE_VARIABLE]?.trim()
  if (!file) return undefined
  try {
    return readFileSync(file, 'utf8').trim()
  } catch (err) {
    throw new Invalid(`${DATABASE_URL_FILE_VARIABLE}: cannot read ${file} (${oneLine(err)})`)
  }
}
