import { BadRequest } from '../../base/errors'
import type { ApiKeyRecord, StoreData, UserRecord, VariableRecord } from '../schema'

/** The columns of each table that hold a record's fields, in one place for every query. */
export const USER_COLUMNS = [
  'id',
  'username',
  'password_hash',
  'is_active',
  'is_superuser',
  'profile_image',
  'store_api_key',
  'create_at',
  'updated_at',
  'last_login_at',
  'token_generation'
] as const satisfies readonly (keyof UserRecord)[]

export const KEY_COLUMNS = [
  'id',
  'name',
  'hash',
  'prefix',
  'created_at',
  'last_used_at',
  'total_uses',
  'is_active',
  'user_id',
  'expires_at',
  'allowed_flows'
] as const satisfies readonly (keyof ApiKeyRecord)[]

export const VARIABLE_COLUMNS = [
  'id',
  'user_id',
  'name',
  'type',
  'value',
  'default_fields',
  'source',
  'created_at',
  'updated_at'
] as const satisfies readonly (keyof VariableRecord)[]

/** `a.id AS a_id, a.name AS a_name…` for a join whose tables share column names; plain names without `alias`. */
export function selectList(columns: readonly string[], alias?: string): string {
  return columns.map((c) => (alias ? `${alias}.${c} AS ${alias}_${c}` : c)).join(', ')
}

type Row = Record<string, unknown>

/** A timestamptz as the records keep it: an ISO string with milliseconds. */
function time(value: unknown): string {
  return new Date(value as Date | string).toISOString()
}

function maybeTime(value: unknown): string | null {
  return value === null || value === undefined ? null : time(value)
}

function field(row: Row, prefix: string, name: string): unknown {
  return row[prefix + name]
}

export function userFromRow(row: Row, prefix = ''): UserRecord {
  const f = (name: string) => field(row, prefix, name)
  return {
    id: f('id') as string,
    username: f('username') as string,
    password_hash: f('password_hash') as string,
    is_active: f('is_active') as boolean,
    is_superuser: f('is_superuser') as boolean,
    profile_image: f('profile_image') as string | null,
    store_api_key: f('store_api_key') as string | null,
    create_at: time(f('create_at')),
    updated_at: time(f('updated_at')),
    last_login_at: maybeTime(f('last_login_at')),
    token_generation: Number(f('token_generation'))
  }
}

export function keyFromRow(row: Row, prefix = ''): ApiKeyRecord {
  const f = (name: string) => field(row, prefix, name)
  return {
    id: f('id') as string,
    name: f('name') as string | null,
    hash: f('hash') as string,
    prefix: f('prefix') as string,
    created_at: time(f('created_at')),
    last_used_at: maybeTime(f('last_used_at')),
    // bigint arrives as a string: counts stay far below 2^53.
    total_uses: Number(f('total_uses')),
    is_active: f('is_active') as boolean,
    user_id: f('user_id') as string,
    expires_at: maybeTime(f('expires_at')),
    allowed_flows: (f('allowed_flows') as string[] | null) ?? null
  }
}

export function variableFromRow(row: Row): VariableRecord {
  return {
    id: row.id as string,
    user_id: row.user_id as string,
    name: row.name as string,
    type: row.type as VariableRecord['type'],
    value: row.value as string,
    default_fields: row.default_fields as string[],
    source: row.source as VariableRecord['source'],
    created_at: time(row.created_at),
    updated_at: time(row.updated_at)
  }
}

/** A user as its table holds it: the record plus the folded name that searches use. */
export function userRow(user: UserRecord): UserRecord & { username_search: string } {
  return { ...pick(user, USER_COLUMNS), username_search: user.username.toLowerCase() }
}

/** Only the record's own fields (a caller's object may carry more), for a JSON batch of rows. */
export function pick<T extends object, K extends keyof T>(record: T, columns: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>
  for (const c of columns) out[c] = record[c]
  return out
}

/** The fields each table holds as timestamptz. */
const DATE_FIELDS: [string, (data: StoreData) => readonly object[], readonly string[]][] = [
  ['User', (d) => d.users, ['create_at', 'updated_at', 'last_login_at']],
  ['API key', (d) => d.api_keys, ['created_at', 'last_used_at', 'expires_at']],
  ['Variable', (d) => d.variables, ['created_at', 'updated_at']]
]

/**
 * Refuses, naming the record, a date PostgreSQL cannot read: an older file store may hold one past year 9999,
 * which JavaScript writes with an extended year (`+010000-01-01T…`).
 */
export function checkDates(data: StoreData): void {
  for (const [kind, records, fields] of DATE_FIELDS) {
    for (const record of records(data)) {
      for (const field of fields) {
        const value = (record as Record<string, unknown>)[field]
        if (value === null || value === undefined) continue
        if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)))
          continue
        const id = String((record as { id?: unknown }).id)
        throw new BadRequest(
          `${kind} ${id} has a date PostgreSQL cannot hold (${field} ${String(value).slice(0, 40)})`
        )
      }
    }
  }
}
