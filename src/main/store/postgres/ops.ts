import type pg from 'pg'
import type { KeyOwner, StoreOps, UsageCount, UserPage, VaultMeta } from '../backend'
import {
  SCHEMA_VERSION,
  type ApiKeyRecord,
  type StoreData,
  type UserRecord,
  type VariableRecord
} from '../schema'
import {
  KEY_COLUMNS,
  USER_COLUMNS,
  VARIABLE_COLUMNS,
  checkDates,
  keyFromRow,
  pick,
  selectList,
  userFromRow,
  userRow,
  variableFromRow
} from './rows'

type Row = Record<string, unknown>

/** A query on a pooled connection or on a transaction's client. */
export type Query = (text: string | pg.QueryConfig, values?: unknown[]) => Promise<pg.QueryResult<Row>>

const USERS = selectList(USER_COLUMNS)
const KEYS = selectList(KEY_COLUMNS)
const VARIABLES = selectList(VARIABLE_COLUMNS)
const USER_PARAMS = USER_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')
const KEY_PARAMS = KEY_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')

/** PostgreSQL's text cannot hold U+0000: no stored name has one, so a lookup of such a name finds nothing. */
function holdsNul(text: string): boolean {
  return text.includes('\u0000')
}

/** Rows sent as one JSON array and read back as table rows in array order: a whole batch in one statement. */
function insertFromJson(table: string, columns: readonly string[]): string {
  const list = columns.join(', ')
  return `INSERT INTO ${table} (${list})
    SELECT ${columns.map((c) => `r.${c}`).join(', ')}
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(doc, ord)
    CROSS JOIN LATERAL jsonb_populate_record(NULL::${table}, e.doc) AS r
    ORDER BY e.ord`
}

const INSERT_USERS = insertFromJson('users', [...USER_COLUMNS, 'username_search'])
const INSERT_KEYS = insertFromJson('api_keys', KEY_COLUMNS)

/**
 * Variables come by the 10,000 (a .env import, a store copy): each column travels as one JSON array of its values
 * (parameters in VARIABLE_COLUMNS order), and the arrays are zipped back into rows in array order. PostgreSQL
 * does far less work for this than for a JSON document of records (no record built from a jsonb object per row):
 * a 10,000-row import took about a third less server time.
 */
const INSERT_VARIABLES = `INSERT INTO variables (${VARIABLE_COLUMNS.join(', ')})
  SELECT id, user_id, name, type, value, ARRAY(SELECT json_array_elements_text(default_fields)), source,
    created_at::timestamptz, updated_at::timestamptz
  FROM ROWS FROM (
    json_array_elements_text($1::json), json_array_elements_text($2::json), json_array_elements_text($3::json),
    json_array_elements_text($4::json), json_array_elements_text($5::json), json_array_elements($6::json),
    json_array_elements_text($7::json), json_array_elements_text($8::json), json_array_elements_text($9::json)
  ) WITH ORDINALITY AS r(${VARIABLE_COLUMNS.join(', ')}, ord)
  ORDER BY ord`

/** INSERT_VARIABLES's parameters: one JSON array per column. */
function variableColumns(records: readonly VariableRecord[]): string[] {
  return VARIABLE_COLUMNS.map((column) => JSON.stringify(records.map((r) => r[column])))
}

const KEY_BY_HASH: Omit<pg.QueryConfig, 'values'> = {
  // Prepared once per connection: the key server runs it on every request.
  name: 'flowkeys_key_by_hash',
  text: `SELECT ${selectList(KEY_COLUMNS, 'k')}, ${selectList(USER_COLUMNS, 'u')}
    FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.hash = $1`
}

/*
 * Rows of api_keys are locked in id order by every statement that locks several (the usage counts, which take
 * no advisory lock, and the deletes): two of them never wait on each other in a cycle.
 */
const ADD_USAGE = `
  WITH counted AS (
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS c(id, uses, last_used_at)
  ), locked AS MATERIALIZED (
    SELECT k.id FROM api_keys k JOIN counted c ON c.id = k.id ORDER BY k.id FOR NO KEY UPDATE OF k
  )
  UPDATE api_keys k
  SET total_uses = k.total_uses + c.uses, last_used_at = GREATEST(k.last_used_at, c.last_used_at)
  FROM counted c JOIN locked l ON l.id = c.id
  WHERE k.id = c.id`

const DELETE_KEYS = `
  DELETE FROM api_keys WHERE id IN (
    SELECT id FROM api_keys WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE
  ) RETURNING id`

const LIST_USERS = `
  SELECT m.total, p.* FROM (
    SELECT count(*)::int AS total FROM users WHERE strpos(username_search, $1) > 0
  ) m LEFT JOIN LATERAL (
    SELECT ${USERS} FROM users WHERE strpos(username_search, $1) > 0 ORDER BY seq OFFSET $2 LIMIT $3
  ) p ON true`

const HOLDS_SECRETS = `SELECT
  EXISTS (SELECT 1 FROM meta WHERE vault_check IS NOT NULL)
  OR EXISTS (SELECT 1 FROM api_keys)
  OR EXISTS (SELECT 1 FROM variables)
  OR EXISTS (SELECT 1 FROM users WHERE store_api_key IS NOT NULL) AS holds`

const SET_META = `INSERT INTO meta (id, vault_id, vault_check, vault_hmac, vault_recovery)
  VALUES (true, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET vault_id = EXCLUDED.vault_id,
  vault_check = EXCLUDED.vault_check, vault_hmac = EXCLUDED.vault_hmac, vault_recovery = EXCLUDED.vault_recovery`

const META = 'SELECT vault_id, vault_check, vault_hmac, vault_recovery FROM meta'

function metaFromRow(row: Row | undefined): VaultMeta {
  const text = (name: string): string | null => (row?.[name] as string | null | undefined) ?? null
  return {
    vault_id: text('vault_id'),
    vault_check: text('vault_check'),
    vault_hmac: text('vault_hmac'),
    vault_recovery: text('vault_recovery')
  }
}

function metaValues(meta: VaultMeta): (string | null)[] {
  return [meta.vault_id, meta.vault_check, meta.vault_hmac, meta.vault_recovery]
}

const SAVE_USER = `UPDATE users SET ${USER_COLUMNS.slice(1)
  .map((c, i) => `${c} = $${i + 2}`)
  .join(', ')}, username_search = $${USER_COLUMNS.length + 1} WHERE id = $1`

const SAVE_VARIABLES = `
  UPDATE variables v SET ${VARIABLE_COLUMNS.slice(1)
    .map((c) => `${c} = r.${c}`)
    .join(', ')}
  FROM jsonb_populate_recordset(NULL::variables, $1::jsonb) AS r
  WHERE v.id = r.id`

/** Emptied under a table lock first taken, so the usage counts in flight finish and new ones wait. */
const CLEAR_ALL = `LOCK TABLE api_keys IN SHARE ROW EXCLUSIVE MODE;
  DELETE FROM variables; DELETE FROM api_keys; DELETE FROM users`

function userValues(user: UserRecord): unknown[] {
  return USER_COLUMNS.map((c) => user[c])
}

/**
 * The store's operations as SQL, on the pool (reads, usage counts) or on one transaction's client (see
 * postgres-store.ts, which runs every other write in a transaction). Inside a transaction, operations run one at a
 * time, and a write that fails is rolled back to a savepoint: it changes nothing and the transaction goes on, as
 * with the file store.
 */
export class PgOps implements StoreOps {
  private queue: Promise<unknown> = Promise.resolve()
  private ended = false

  constructor(
    private readonly query: Query,
    private readonly inTransaction: boolean,
    /** Turns a database error into the store's own (errors.ts). */
    private readonly fail: (err: unknown) => unknown
  ) {}

  /** The transaction is over: its operations refuse to run instead of running outside it. */
  end(): void {
    this.ended = true
  }

  private op<T>(work: () => Promise<T>, atomic = false): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.ended)
        throw new Error('this transaction has ended: use its operations only inside its callback')
      if (!this.inTransaction || !atomic) return work()
      await this.query('SAVEPOINT flowkeys_op')
      let result: T
      try {
        result = await work()
      } catch (err) {
        await this.query('ROLLBACK TO SAVEPOINT flowkeys_op; RELEASE SAVEPOINT flowkeys_op').catch(
          () => undefined
        )
        throw err
      }
      await this.query('RELEASE SAVEPOINT flowkeys_op')
      return result
    }
    let result: Promise<T>
    if (this.inTransaction) {
      result = this.queue.then(run, run)
      this.queue = result.catch(() => undefined)
    } else {
      result = run()
    }
    return result.catch((err: unknown) => {
      throw this.fail(err)
    })
  }

  private async rows(text: string | pg.QueryConfig, values?: unknown[]): Promise<Row[]> {
    return (await this.query(text, values)).rows
  }

  vaultMeta(): Promise<VaultMeta> {
    return this.op(async () => {
      const [row] = await this.rows(META)
      return metaFromRow(row)
    })
  }

  setVaultMeta(meta: VaultMeta): Promise<void> {
    return this.op(async () => {
      await this.query(SET_META, metaValues(meta))
    })
  }

  holdsSecrets(): Promise<boolean> {
    return this.op(async () => (await this.rows(HOLDS_SECRETS))[0]?.holds === true)
  }

  userById(id: string): Promise<UserRecord | undefined> {
    return this.op(async () => {
      const [row] = await this.rows(`SELECT ${USERS} FROM users WHERE id = $1`, [id])
      return row && userFromRow(row)
    })
  }

  userByUsername(username: string): Promise<UserRecord | undefined> {
    return this.op(async () => {
      if (holdsNul(username)) return undefined
      const [row] = await this.rows(`SELECT ${USERS} FROM users WHERE username = $1`, [username])
      return row && userFromRow(row)
    })
  }

  listUsers(page: UserPage = {}): Promise<{ total: number; users: UserRecord[] }> {
    return this.op(async () => {
      const needle = (page.search ?? '').toLowerCase()
      const skip = Math.max(0, page.skip ?? 0)
      const limit = page.limit === undefined ? null : Math.max(0, page.limit)
      const rows = await this.rows(LIST_USERS, [needle, skip, limit])
      const total = Number(rows[0]?.total ?? 0)
      return { total, users: rows.filter((r) => r.id !== null).map((r) => userFromRow(r)) }
    })
  }

  insertUser(user: UserRecord): Promise<void> {
    return this.op(async () => {
      await this.query(
        `INSERT INTO users (${USERS}, username_search) VALUES (${USER_PARAMS}, $${USER_COLUMNS.length + 1})`,
        [...userValues(user), user.username.toLowerCase()]
      )
    }, true)
  }

  saveUser(user: UserRecord): Promise<boolean> {
    return this.op(async () => {
      const result = await this.query(SAVE_USER, [...userValues(user), user.username.toLowerCase()])
      return (result.rowCount ?? 0) > 0
    }, true)
  }

  deleteUser(id: string): Promise<boolean> {
    return this.op(async () => {
      // The user's keys first, in id order (see ADD_USAGE); the delete then cascades to keys and variables.
      await this.query('SELECT 1 FROM api_keys WHERE user_id = $1 ORDER BY id FOR UPDATE', [id])
      const result = await this.query('DELETE FROM users WHERE id = $1', [id])
      return (result.rowCount ?? 0) > 0
    })
  }

  keyByHash(hash: string): Promise<KeyOwner | null> {
    return this.op(async () => {
      const [row] = await this.rows({ ...KEY_BY_HASH, values: [hash] })
      return row ? { key: keyFromRow(row, 'k_'), user: userFromRow(row, 'u_') } : null
    })
  }

  keyById(id: string): Promise<ApiKeyRecord | undefined> {
    return this.op(async () => {
      const [row] = await this.rows(`SELECT ${KEYS} FROM api_keys WHERE id = $1`, [id])
      return row && keyFromRow(row)
    })
  }

  keysOf(userId: string | null): Promise<ApiKeyRecord[]> {
    return this.op(async () => {
      const rows =
        userId === null
          ? await this.rows(`SELECT ${KEYS} FROM api_keys ORDER BY seq`)
          : await this.rows(`SELECT ${KEYS} FROM api_keys WHERE user_id = $1 ORDER BY seq`, [userId])
      return rows.map((r) => keyFromRow(r))
    })
  }

  insertKey(key: ApiKeyRecord): Promise<void> {
    return this.op(async () => {
      await this.query(
        `INSERT INTO api_keys (${KEYS}) VALUES (${KEY_PARAMS})`,
        KEY_COLUMNS.map((c) => key[c])
      )
    }, true)
  }

  deleteKeys(ids: readonly string[]): Promise<string[]> {
    return this.op(async () => {
      if (ids.length === 0) return []
      const gone = new Set((await this.rows(DELETE_KEYS, [[...ids]])).map((r) => r.id as string))
      return [...new Set(ids)].filter((id) => gone.has(id))
    })
  }

  renameKey(id: string, name: string | null): Promise<boolean> {
    return this.op(async () => {
      const result = await this.query('UPDATE api_keys SET name = $2 WHERE id = $1', [id, name])
      return (result.rowCount ?? 0) > 0
    })
  }

  addUsage(counts: ReadonlyMap<string, UsageCount>): Promise<void> {
    return this.op(async () => {
      if (counts.size === 0) return
      const ids = [...counts.keys()]
      await this.query(ADD_USAGE, [
        ids,
        ids.map((id) => counts.get(id)!.uses),
        ids.map((id) => counts.get(id)!.lastUsedAt)
      ])
    })
  }

  variablesOf(userId: string): Promise<VariableRecord[]> {
    return this.op(async () => {
      const rows = await this.rows(`SELECT ${VARIABLES} FROM variables WHERE user_id = $1 ORDER BY seq`, [
        userId
      ])
      return rows.map(variableFromRow)
    })
  }

  variableById(userId: string, id: string): Promise<VariableRecord | undefined> {
    return this.op(async () => {
      const [row] = await this.rows(`SELECT ${VARIABLES} FROM variables WHERE id = $1 AND user_id = $2`, [
        id,
        userId
      ])
      return row && variableFromRow(row)
    })
  }

  variableByName(userId: string, name: string): Promise<VariableRecord | undefined> {
    return this.op(async () => {
      if (holdsNul(name)) return undefined
      const [row] = await this.rows(`SELECT ${VARIABLES} FROM variables WHERE user_id = $1 AND name = $2`, [
        userId,
        name
      ])
      return row && variableFromRow(row)
    })
  }

  insertVariables(records: readonly VariableRecord[]): Promise<void> {
    return this.op(async () => {
      if (records.length === 0) return
      await this.query(INSERT_VARIABLES, variableColumns(records))
    }, true)
  }

  saveVariables(records: readonly VariableRecord[]): Promise<void> {
    return this.op(async () => {
      if (records.length === 0) return
      await this.query(SAVE_VARIABLES, [JSON.stringify(records.map((r) => pick(r, VARIABLE_COLUMNS)))])
    }, true)
  }

  deleteVariables(ids: readonly string[]): Promise<string[]> {
    return this.op(async () => {
      if (ids.length === 0) return []
      const rows = await this.rows('DELETE FROM variables WHERE id = ANY($1::text[]) RETURNING id', [
        [...ids]
      ])
      const gone = new Set(rows.map((r) => r.id as string))
      return [...new Set(ids)].filter((id) => gone.has(id))
    })
  }

  /** Consistent only in one snapshot: the store runs it in a transaction (REPEATABLE READ when on its own). */
  exportAll(): Promise<StoreData> {
    return this.op(async () => {
      const [meta] = await this.rows(META)
      const users = await this.rows(`SELECT ${USERS} FROM users ORDER BY seq`)
      const keys = await this.rows(`SELECT ${KEYS} FROM api_keys ORDER BY seq`)
      const variables = await this.rows(`SELECT ${VARIABLES} FROM variables ORDER BY seq`)
      return {
        version: SCHEMA_VERSION,
        write_id: null,
        ...metaFromRow(meta),
        users: users.map((r) => userFromRow(r)),
        api_keys: keys.map((r) => keyFromRow(r)),
        variables: variables.map(variableFromRow)
      }
    })
  }

  replaceAll(data: StoreData): Promise<void> {
    return this.op(async () => {
      checkDates(data)
      await this.query(CLEAR_ALL)
      await this.query(INSERT_USERS, [JSON.stringify(data.users.map(userRow))])
      await this.query(INSERT_KEYS, [JSON.stringify(data.api_keys.map((k) => pick(k, KEY_COLUMNS)))])
      await this.query(INSERT_VARIABLES, variableColumns(data.variables))
      await this.query(SET_META, metaValues(data))
    }, true)
  }
}
