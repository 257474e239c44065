import type pg from 'pg'
import { Corrupt } from '../../base/errors'

/**
 * Keys of the advisory locks FlowKeys takes (bigints spelled as text: past 2^53 a JS number is not exact).
 * WRITE_LOCK serialises write transactions across processes and servers; MIGRATION_LOCK lets one opener migrate.
 */
export const WRITE_LOCK = '5074553438296439155' // 'FlowKeys' in ASCII
export const MIGRATION_LOCK = '5074553438296439156'

export interface Migration {
  /** The schema version the step leads to. */
  version: number
  sql: string
}

/** The tables of schema 1. `seq` keeps creation order (listings come back in insertion order, as from the file). */
const SCHEMA_1 = `
CREATE TABLE users (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  id text PRIMARY KEY,
  username text NOT NULL CONSTRAINT users_username_key UNIQUE,
  -- username.toLowerCase(), set by FlowKeys: a search "in any case" that does not depend on the database locale
  username_search text NOT NULL,
  password_hash text NOT NULL,
  is_active boolean NOT NULL,
  is_superuser boolean NOT NULL,
  profile_image text,
  store_api_key text,
  create_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  last_login_at timestamptz,
  token_generation integer NOT NULL
);
CREATE UNIQUE INDEX users_seq_idx ON users (seq);

CREATE TABLE api_keys (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  id text PRIMARY KEY,
  user_id text NOT NULL CONSTRAINT api_keys_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
  name text,
  hash text NOT NULL CONSTRAINT api_keys_hash_key UNIQUE,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  total_uses bigint NOT NULL,
  is_active boolean NOT NULL,
  expires_at timestamptz
);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id, seq);

CREATE TABLE variables (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  id text PRIMARY KEY,
  user_id text NOT NULL CONSTRAINT variables_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('Credential', 'Generic')),
  value text NOT NULL,
  default_fields text[] NOT NULL,
  source text NOT NULL CHECK (source IN ('app', 'env')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- Checked at the end of each statement, not row by row: one batch may swap two names, as in the file store.
  CONSTRAINT variables_user_id_name_key UNIQUE (user_id, name) DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX variables_user_id_idx ON variables (user_id, seq);

CREATE TABLE meta (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  vault_id text,
  vault_check text
);
INSERT INTO meta (id) VALUES (true);
`

/** Every step, in order. A change to the tables adds a step; a step once released never changes. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, sql: SCHEMA_1 },
  // The flows a key may run through the gateway (NULL: no limit).
  { version: 2, sql: 'ALTER TABLE api_keys ADD COLUMN allowed_flows text[]' },
  // The hashing key once a rotation sealed it, and the vault key sealed to the recovery key (NULL: none).
  { version: 3, sql: 'ALTER TABLE meta ADD COLUMN vault_hmac text, ADD COLUMN vault_recovery text' }
]

/** The schema this build writes. */
export const DATABASE_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version

const VERSION_TABLE = `
CREATE TABLE IF NOT EXISTS flowkeys_schema (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  version integer NOT NULL
);
INSERT INTO flowkeys_schema (version) VALUES (0) ON CONFLICT (id) DO NOTHING`

/** The database's schema version, or 0 when FlowKeys never wrote to it. */
async function versionOf(client: pg.ClientBase): Promise<number> {
  const found = await client.query<{ present: boolean }>(
    "SELECT to_regclass('flowkeys_schema') IS NOT NULL AS present"
  )
  if (!found.rows[0]?.present) return 0
  const row = await client.query<{ version: number }>('SELECT version FROM flowkeys_schema')
  return row.rows[0]?.version ?? 0
}

function refuseNewer(version: number, where: string, known: number): void {
  if (version > known) {
    throw new Corrupt(
      `The PostgreSQL database ${where} was written by a newer FlowKeys (schema ${version}, this build knows ${known}): update FlowKeys to use it.`
    )
  }
}

/**
 * Brings the database to this build's schema. Only one opener migrates (the others wait on MIGRATION_LOCK and
 * then find nothing to do); each step also takes WRITE_LOCK, so no write transaction straddles it. Answers
 * whether it took the migration lock (then the caller ends the connection rather than pool it).
 */
export async function migrate(
  client: pg.ClientBase,
  where: string,
  steps: readonly Migration[] = MIGRATIONS
): Promise<boolean> {
  const known = steps[steps.length - 1]?.version ?? 0
  // Up to date (the usual case): no lock, no DDL, which also suits a role that may not create tables.
  const seen = await versionOf(client)
  refuseNewer(seen, where, known)
  if (seen === known) return false

  await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK])
  try {
    await client.query(VERSION_TABLE)
    let version = await versionOf(client)
    refuseNewer(version, where, known)
    for (const step of steps) {
      if (step.version <= version) continue
      await client.query('BEGIN')
      try {
        await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [WRITE_LOCK])
        await client.query(step.sql)
        await client.query('UPDATE flowkeys_schema SET version = $1', [step.version])
        await client.query('COMMIT')
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw explainStepFailure(err, where, step.version)
      }
      version = step.version
    }
  } finally {
    // The caller also ends this connection, which frees the lock even if this fails.
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK]).catch(() => undefined)
  }
  return true
}

/** A table of the same name that FlowKeys did not create (another application's `users`) gets a clear refusal. */
function explainStepFailure(err: unknown, where: string, version: number): unknown {
  if ((err as { code?: unknown }).code === '42P07') {
    return new Corrupt(
      `The PostgreSQL database ${where} already holds tables FlowKeys did not create (schema step ${version} failed: ${(err as Error).message}): give FlowKeys a database of its own.`
    )
  }
  return err
}
