import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { FlowKeysError } from '../../base/errors'
import {
  delegate,
  ownTransaction,
  STORE_WATCH_DEBOUNCE_MS,
  type KeyOwner,
  type Store,
  type StoreLocation,
  type StoreOps,
  type StoreWatchOptions,
  type UsageCount
} from '../backend'
import type { StoreData } from '../schema'
import { storeError, unavailable } from './errors'
import { migrate, WRITE_LOCK } from './migrations'
import { PgOps, type Query } from './ops'
import { describeDatabase, parseDatabaseUrl } from './url'

export interface PostgresStoreOptions {
  /** Connections kept by this process (default 10). */
  poolSize?: number
}

/** The channel every write transaction notifies at its commit, with the writing store's origin as payload. */
const CHANGES_CHANNEL = 'flowkeys_store_changed'
/** How long a lost listening connection waits before it connects again. */
const LISTEN_RETRY_MS = 2_000

function queryOn(db: pg.Pool | pg.PoolClient): Query {
  return (text, values) => db.query<Record<string, unknown>>(text, values)
}

/**
 * A team's store in PostgreSQL (FLOWKEYS_DATABASE_URL), shared by several key servers. Every write transaction
 * holds one advisory lock, the cross-server counterpart of the file store's lock; reads never wait for it.
 */
class PostgresStore implements Store {
  readonly location: StoreLocation
  lastWriteMs = 0
  private readonly reads: PgOps
  private closed = false

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly where: string
  ) {
    this.location = { kind: 'postgres', where }
    this.reads = new PgOps(queryOn(pool), false, this.fail)
  }

  private readonly fail = (err: unknown): unknown => storeError(err, this.where, this.url)
  /** Tells this instance's own notifications from other servers' (hex: safe inside the SQL text). */
  private readonly origin = randomBytes(8).toString('hex')

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect()
    } catch (err) {
      throw this.fail(err)
    }
  }

  /**
   * One write transaction at a time in this process: they would all wait on the advisory lock anyway, each
   * holding a pooled connection that the reads (the key server's hot path) need.
   */
  private turn: Promise<void> = Promise.resolve()

  async transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> {
    const previous = this.turn
    let done!: () => void
    this.turn = new Promise<void>((resolve) => (done = resolve))
    await previous
    try {
      return await this.transactionNow(fn)
    } finally {
      done()
    }
  }

  private async transactionNow<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> {
    const client = await this.connect()
    const started = performance.now()
    const tx = new PgOps(queryOn(client), true, this.fail)
    let broken: Error | undefined
    try {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK})`)
      const result = await fn(tx)
      // Delivered to the listeners at the commit, not before; in the same round trip as the COMMIT.
      await client.query(`SELECT pg_notify('${CHANGES_CHANNEL}', '${this.origin}'); COMMIT`)
      this.lastWriteMs = performance.now() - started
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e
      })
      throw this.fail(err)
    } finally {
      tx.end()
      // A connection that could not roll back is dropped, not handed to the next caller mid-transaction.
      client.release(broken ?? false)
    }
  }

  // Reads run on any pooled connection, each in its own snapshot; a write called on its own is a transaction.
  vaultMeta = delegate(() => this.reads, 'vaultMeta')
  holdsSecrets = delegate(() => this.reads, 'holdsSecrets')
  userById = delegate(() => this.reads, 'userById')
  userByUsername = delegate(() => this.reads, 'userByUsername')
  listUsers = delegate(() => this.reads, 'listUsers')
  keyById = delegate(() => this.reads, 'keyById')
  keysOf = delegate(() => this.reads, 'keysOf')
  variablesOf = delegate(() => this.reads, 'variablesOf')
  variableById = delegate(() => this.reads, 'variableById')
  variableByName = delegate(() => this.reads, 'variableByName')

  setVaultMeta = ownTransaction(this, 'setVaultMeta')
  insertUser = ownTransaction(this, 'insertUser')
  saveUser = ownTransaction(this, 'saveUser')
  deleteUser = ownTransaction(this, 'deleteUser')
  insertKey = ownTransaction(this, 'insertKey')
  deleteKeys = ownTransaction(this, 'deleteKeys')
  renameKey = ownTransaction(this, 'renameKey')
  insertVariables = ownTransaction(this, 'insertVariables')
  saveVariables = ownTransaction(this, 'saveVariables')
  deleteVariables = ownTransaction(this, 'deleteVariables')
  replaceAll = ownTransaction(this, 'replaceAll')

  /** No cache: a key revoked through another server is refused from the next request on. */
  keyByHash(hash: string): Promise<KeyOwner | null> {
    return this.reads.keyByHash(hash)
  }

  /** One statement, without the write lock: the counts add to the row as it is then, so none is lost. */
  async addUsage(counts: ReadonlyMap<string, UsageCount>): Promise<void> {
    if (counts.size === 0) return
    const started = performance.now()
    await this.reads.addUsage(counts)
    this.lastWriteMs = performance.now() - started
  }

  /** Every table read in one snapshot, without the write lock. */
  async exportAll(): Promise<StoreData> {
    const client = await this.connect()
    const tx = new PgOps(queryOn(client), true, this.fail)
    let broken: Error | undefined
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
      const data = await tx.exportAll()
      await client.query('COMMIT')
      return data
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e
      })
      throw this.fail(err)
    } finally {
      tx.end()
      client.release(broken ?? false)
    }
  }

  /**
   * Other servers' writes, from PostgreSQL's LISTEN on a connection of its own (outside the pool). Usage counts
   * notify nothing: they change every second under load. A lost connection is opened again until stopped.
   */
  watchOthers(changed: () => void, options: StoreWatchOptions = {}): () => void {
    const debounceMs = options.debounceMs ?? STORE_WATCH_DEBOUNCE_MS
    let stopped = false
    let timer: NodeJS.Timeout | undefined
    let retry: NodeJS.Timeout | undefined
    let client: pg.Client | undefined
    let warned = false
    const notified = (message: pg.Notification): void => {
      if (message.channel !== CHANGES_CHANNEL || message.payload === this.origin) return
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => {
        timer = undefined
        if (!stopped) changed()
      }, debounceMs)
      timer.unref()
    }
    const listen = async (): Promise<void> => {
      const listener = new pg.Client({ connectionString: this.url, application_name: 'flowkeys-listen' })
      client = listener
      listener.on('notification', notified)
      listener.on('error', (err) => lost(listener, err))
      listener.on('end', () => lost(listener, new Error('the connection ended')))
      try {
        await listener.connect()
        await listener.query(`LISTEN ${CHANGES_CHANNEL}`)
        if (stopped) await listener.end()
        // Whatever was written while this connection was not listening.
        else if (warned) changed()
        warned = false
      } catch (err) {
        lost(listener, err)
      }
    }
    const lost = (listener: pg.Client, err: unknown): void => {
      if (stopped || client !== listener) return
      client = undefined
      listener.end().catch(() => undefined)
      if (!warned) {
        const reason = (this.fail(err) as Error).message
        options.warn?.(`FlowKeys: lost the watch on ${this.where} for other servers' changes (${reason})`)
        warned = true
      }
      retry = setTimeout(() => void listen(), LISTEN_RETRY_MS)
      retry.unref()
    }
    void listen()
    return () => {
      stopped = true
      clearTimeout(timer)
      clearTimeout(retry)
      const listener = client
      client = undefined
      listener?.end().catch(() => undefined)
    }
  }

  async check(): Promise<void> {
    try {
      await this.pool.query('SELECT 1')
    } catch (err) {
      throw unavailable(err, this.where, this.url)
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.pool.end()
  }
}

/**
 * Opens the store in the PostgreSQL database `url` names (`postgresql://` or `postgres://`), creating or updating
 * its tables first. A URL of another kind is Invalid; a database that cannot be reached is Unavailable, and one
 * written by a newer FlowKeys is Corrupt. No message holds the password.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const connectionString = url.trim()
  parseDatabaseUrl(connectionString)
  const where = describeDatabase(connectionString)
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    application_name: 'flowkeys'
  })
  // An idle connection the server dropped (a restart): the pool discards it and the next query opens another.
  pool.on('error', () => undefined)
  try {
    const client = await pool.connect()
    let locked = true
    try {
      locked = await migrate(client, where)
    } finally {
      // Pooled when it only read the schema version (the store's first query reuses it); ended after a
      // migration or a failure, so that whatever session lock it held goes with it.
      client.release(locked)
    }
  } catch (err) {
    await pool.end().catch(() => undefined)
    throw err instanceof FlowKeysError ? err : unavailable(err, where, connectionString)
  }
  return new PostgresStore(pool, connectionString, where)
}
