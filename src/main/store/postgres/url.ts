import { Invalid } from '../../base/errors'

const SCHEMES = new Set(['postgres:', 'postgresql:'])
const EXAMPLE = 'postgresql://user@host:5432/dbname'

/**
 * Reads a `postgresql://` or `postgres://` URL. Anything else is refused in one line that never repeats the URL
 * (it may hold a password).
 */
export function parseDatabaseUrl(url: string): URL {
  let parsed: URL
  try {
    parsed = new URL(url.trim())
  } catch {
    throw new Invalid(`The database URL is not a valid URL (expected ${EXAMPLE})`)
  }
  if (!SCHEMES.has(parsed.protocol)) {
    throw new Invalid(
      `The database URL is not a PostgreSQL URL: its scheme is ${JSON.stringify(parsed.protocol)} (expected ${EXAMPLE})`
    )
  }
  return parsed
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * The database a URL names, for people: `host:port/dbname`, with the defaults node-postgres applies (the PG*
 * variables, then localhost:5432 and a database named after the user). Never the user's password.
 */
export function describeDatabase(url: string, env: NodeJS.ProcessEnv = process.env): string {
  const parsed = parseDatabaseUrl(url)
  const query = parsed.searchParams
  const host = decoded(parsed.hostname) || query.get('host') || env.PGHOST || 'localhost'
  const port = parsed.port || query.get('port') || env.PGPORT || '5432'
  const user = decoded(parsed.username) || env.PGUSER || ''
  const database =
    decoded(parsed.pathname.replace(/^\//, '')) || query.get('dbname') || env.PGDATABASE || user
  return `${host}:${port}/${database}`
}

/** `text` with the URL's password (as written and decoded) replaced by `***`: for messages built from errors. */
export function hidePassword(text: string, url: string): string {
  let password: string
  try {
    password = new URL(url.trim()).password
  } catch {
    return text
  }
  if (!password) return text
  let out = text
  for (const form of new Set([password, decoded(password)])) out = out.split(form).join('***')
  return out
}
