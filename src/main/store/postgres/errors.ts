import { BadRequest, FlowKeysError, Unavailable, oneLine } from '../../base/errors'
import { MissingUser, UniqueViolation } from '../errors'
import { hidePassword } from './url'

/** Unique constraints (migrations.ts names them) and the rule of the data each one keeps. */
const UNIQUE_RULES: Record<string, UniqueViolation['rule']> = {
  users_username_key: 'username',
  api_keys_hash_key: 'key_hash',
  variables_user_id_name_key: 'variable_name'
}

export const NUL_REFUSED = 'The text holds a NUL character (U+0000), which the PostgreSQL store cannot keep'

/** Node's errors for a server that cannot be reached or went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOENT'
])

/** SQLSTATEs of a server that refuses the connection: shutting down, full, no such database, wrong login. */
const CONNECTION_STATES = new Set(['57P01', '57P02', '57P03', '53300', '3D000'])

/** node-postgres's own messages for a lost or timed-out connection. */
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection timeout|Client has encountered a connection error|Client was closed|not queryable/i

interface PgLikeError {
  code?: unknown
  constraint?: unknown
  message?: unknown
  errors?: unknown
}

/** Whether the error says the database cannot be reached or used, rather than that a statement failed. */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const { code } = err as PgLikeError
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || CONNECTION_STATES.has(code)) return true
    if (code.startsWith('08') || code.startsWith('28')) return true
  }
  return CONNECTION_MESSAGES.test(err.message)
}

/** What went wrong, in one line: Node's AggregateError (every address refused) has an empty message. */
function reasonOf(err: unknown): string {
  const e = err as PgLikeError
  if (err instanceof Error && err.message) return oneLine(err)
  if (Array.isArray(e.errors) && e.errors[0] instanceof Error) return oneLine(e.errors[0])
  return typeof e.code === 'string' ? e.code : oneLine(err)
}

/** An Unavailable naming the database (never its password). */
export function unavailable(err: unknown, where: string, url: string): Unavailable {
  const reason = hidePassword(reasonOf(err), url)
  return new Unavailable(`Cannot use the PostgreSQL database ${where}: ${reason}`)
}

/**
 * The store's error for a database error: a broken unique rule or a missing user as the services expect them,
 * a lost or refused connection as Unavailable. Anything else (a FlowKeys error, a bug) passes as it is.
 */
export function storeError(err: unknown, where: string, url: string): unknown {
  if (err instanceof FlowKeysError || err instanceof UniqueViolation || err instanceof MissingUser) return err
  const { code, constraint } = err as PgLikeError
  if (code === '23505' && typeof constraint === 'string') {
    const rule = UNIQUE_RULES[constraint]
    if (rule) return new UniqueViolation(rule)
  }
  if (code === '23503') return new MissingUser()
  // A NUL in a text parameter (22021) or in a JSON batch (22P05): the input's fault, said in one line.
  if (code === '22021' || code === '22P05') return new BadRequest(NUL_REFUSED)
  if (isConnectionError(err)) return unavailable(err, where, url)
  return err
}
