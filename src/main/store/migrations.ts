import { SCHEMA_VERSION } from './schema'

/** One step: turns data of version `to - 1` into version `to`. Steps must be pure and total. */
export interface Migration {
  to: number
  up: (data: Record<string, unknown>) => Record<string, unknown>
}

/**
 * Version 0 is a store written before versioning (or by hand): the same collections, no version field.
 * Add a step here for every SCHEMA_VERSION bump; never edit a released step.
 */
export const MIGRATIONS: Migration[] = [
  {
    to: 1,
    up: (data) => ({
      vault_id: null,
      vault_check: null,
      users: [],
      api_keys: [],
      variables: [],
      ...data,
      version: 1
    })
  },
  {
    // write_id: a store written by version 1 has none, so its first check re-reads the file, as it should.
    to: 2,
    up: (data) => ({ ...data, write_id: null, version: 2 })
  },
  {
    // token_generation: tokens signed before it carry none and are refused, so every session starts anew.
    to: 3,
    up: (data) => ({
      ...data,
      users: Array.isArray(data.users)
        ? data.users.map((u: unknown) =>
            u !== null && typeof u === 'object' ? { token_generation: 0, ...u } : u
          )
        : data.users,
      version: 3
    })
  },
  {
    // allowed_flows: every existing key keeps what it could do (no flow limit).
    to: 4,
    up: (data) => ({
      ...data,
      api_keys: Array.isArray(data.api_keys)
        ? data.api_keys.map((k: unknown) =>
            k !== null && typeof k === 'object' ? { allowed_flows: null, ...k } : k
          )
        : data.api_keys,
      version: 4
    })
  },
  {
    // vault_hmac, vault_recovery: a store never rotated derives its hashing key; no recovery key yet.
    to: 5,
    up: (data) => ({ ...data, vault_hmac: null, vault_recovery: null, version: 5 })
  }
]

export class MigrationError extends Error {}

/** Brings raw parsed data up to `target`; returns it unchanged when already there. */
export function migrate(
  data: Record<string, unknown>,
  migrations: Migration[] = MIGRATIONS,
  target: number = SCHEMA_VERSION
): { data: Record<string, unknown>; from: number; migrated: boolean } {
  const from = typeof data.version === 'number' ? data.version : 0
  if (!Number.isInteger(from) || from < 0)
    throw new MigrationError(`its schema version ${String(data.version)} is not valid`)
  if (from > target) {
    throw new MigrationError(
      `it was written by a newer FlowKeys (schema version ${from}; this build reads up to ${target})`
    )
  }
  let current = data
  for (let v = from + 1; v <= target; v++) {
    const step = migrations.find((m) => m.to === v)
    if (!step) throw new MigrationError(`no migration to schema version ${v}`)
    current = step.up(current)
  }
  return { data: current, from, migrated: from !== target }
}
