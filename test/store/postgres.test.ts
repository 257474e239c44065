import pg from 'pg'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BadRequest, Corrupt, Invalid, Unavailable } from '../../src/main/base/errors'
import type { Store, UsageCount } from '../../src/main/store/backend'
import { MissingUser, UniqueViolation } from '../../src/main/store/errors'
import { NUL_REFUSED } from '../../src/main/store/postgres/errors'
import { DATABASE_SCHEMA_VERSION } from '../../src/main/store/postgres/migrations'
import { openPostgresStore } from '../../src/main/store/postgres/postgres-store'
import { describeDatabase } from '../../src/main/store/postgres/url'
import { databaseUrl, freshDatabaseUrl, sqlIn } from '../helpers/postgres'
import { describeStoreConformance, keyRecord, later, userRecord, variableRecord } from './conformance'

describeStoreConformance('postgres', async () => openPostgresStore(await freshDatabaseUrl()))

const opened: Store[] = []

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close()
})

async function open(url: string): Promise<Store> {
  const store = await openPostgresStore(url, { poolSize: 12 })
  opened.push(store)
  return store
}

async function failure(work: () => Promise<unknown>): Promise<Error> {
  try {
    await work()
  } catch (err) {
    return err as Error
  }
  expect.unreachable('expected an error')
}

describe('PostgreSQL URLs', () => {
  it('names a database by host, port and name, never with the password', () => {
    const env = {}
    expect(describeDatabase('postgresql://me:s3cret@db.example.com:6543/keys', env)).toBe(
      'db.example.com:6543/keys'
    )
    expect(describeDatabase('postgres://me@db.example.com/keys', env)).toBe('db.example.com:5432/keys')
    expect(describeDatabase('postgresql://me:pw@[::1]:5433/team%20keys', env)).toBe('[::1]:5433/team keys')
    expect(describeDatabase('postgresql:///keys?host=/var/run/postgresql', env)).toBe(
      '/var/run/postgresql:5432/keys'
    )
    expect(describeDatabase('postgresql://flowkeys@db', env)).toBe('db:5432/flowkeys')
    expect(describeDatabase('postgresql://db', { PGHOST: 'x', PGPORT: '6000', PGDATABASE: 'fk' })).toBe(
      'db:6000/fk'
    )
  })

  it('refuses a URL that is not PostgreSQL in one line, without repeating it', async () => {
    for (const url of ['mysql://me:hunter2@db/keys', 'hunter2 is not a url', 'https://me:hunter2@db/keys']) {
      const err = await failure(() => openPostgresStore(url))
      expect(err).toBeInstanceOf(Invalid)
      expect(err.message).not.toContain('hunter2')
      expect(err.message).not.toContain('\n')
      expect(err.message).toMatch(/PostgreSQL URL|not a valid URL/)
    }
  })
})

describe('PostgreSQL store', () => {
  it('says where it is, answers the health check and times its writes', async () => {
    const url = await freshDatabaseUrl()
    const store = await open(url)
    const { host, port, pathname } = new URL(url)
    expect(store.location).toEqual({ kind: 'postgres', where: `${host.split(':')[0]}:${port}${pathname}` })
    await store.check()
    await store.insertUser(userRecord('alice'))
    expect(store.lastWriteMs).toBeGreaterThan(0)
    await store.close()
    await store.close()
  })

  it('answers Unavailable for a database it cannot reach, naming it without the password', async () => {
    const refused = await failure(() => openPostgresStore('postgresql://me:hunter2@127.0.0.1:1/keys'))
    expect(refused).toBeInstanceOf(Unavailable)
    expect(refused.message).toContain('127.0.0.1:1/keys')
    expect(refused.message).not.toContain('hunter2')

    const missing = new URL(await databaseUrl('flowkeys_no_such_database'))
    missing.password = 'hunter2'
    const err = await failure(() => openPostgresStore(missing.toString()))
    expect(err).toBeInstanceOf(Unavailable)
    expect(err.message).toMatch(/flowkeys_no_such_database.*does not exist/)
    expect(err.message).not.toContain('hunter2')
  })

  it('creates its tables once when two servers open a new database together', async () => {
    const url = await freshDatabaseUrl()
    const [a, b] = await Promise.all([open(url), open(url)])
    expect(await sqlIn(url, 'SELECT version FROM flowkeys_schema')).toEqual([
      { version: DATABASE_SCHEMA_VERSION }
    ])
    const user = userRecord('alice')
    await a.insertUser(user)
    expect(await b.userById(user.id)).toEqual(user)
    await open(url)
    expect(await sqlIn(url, 'SELECT version FROM flowkeys_schema')).toEqual([
      { version: DATABASE_SCHEMA_VERSION }
    ])
  })

  it('refuses a database written by a newer FlowKeys', async () => {
    const url = await freshDatabaseUrl()
    await (await open(url)).close()
    await sqlIn(url, 'UPDATE flowkeys_schema SET version = $1', [DATABASE_SCHEMA_VERSION + 1])
    const err = await failure(() => openPostgresStore(url))
    expect(err).toBeInstanceOf(Corrupt)
    expect(err.message).toContain(
      `was written by a newer FlowKeys (schema ${DATABASE_SCHEMA_VERSION + 1}, this build knows ${DATABASE_SCHEMA_VERSION})`
    )
  })

  it('refuses a database whose tables another application made', async () => {
    const url = await freshDatabaseUrl()
    await sqlIn(url, 'CREATE TABLE users (login text)')
    const err = await failure(() => openPostgresStore(url))
    expect(err).toBeInstanceOf(Corrupt)
    expect(err.message).toMatch(/tables FlowKeys did not create/)
  })

  it('keeps the connection that found the schema up to date for the first query (no second connect)', async () => {
    const url = await freshDatabaseUrl()
    await (await openPostgresStore(url)).close() // creates the tables on a connection it then ends
    const store = await open(url)
    const db = new URL(url).pathname.slice(1)
    const connections = await sqlIn<{ n: number }>(
      url,
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'flowkeys'",
      [db]
    )
    expect(connections[0]!.n).toBe(1)
    await store.check()
  })

  it('finds no name holding a NUL, and refuses to store one with a one-line BadRequest', async () => {
    const store = await open(await freshDatabaseUrl())
    const user = userRecord('alice')
    await store.insertUser(user)
    expect(await store.userByUsername('ali\u0000ce')).toBeUndefined()
    expect(await store.variableByName(user.id, 'A\u0000B')).toBeUndefined()
    const refused = await failure(() => store.insertVariables([variableRecord(user, 'A\u0000B')]))
    expect(refused).toBeInstanceOf(BadRequest)
    expect(refused.message).toBe(NUL_REFUSED)
    expect(await failure(() => store.insertUser(userRecord('bo\u0000b')))).toBeInstanceOf(BadRequest)
    expect((await store.variablesOf(user.id)).length).toBe(0)
  })

  it('runs the transactions of two servers one after another', async () => {
    const url = await freshDatabaseUrl()
    const servers = [await open(url), await open(url)]
    const user = userRecord('alice')
    await servers[0]!.insertUser(user)
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        servers[i % 2]!.transaction(async (tx) => {
          const current = (await tx.userById(user.id))!
          await new Promise((resolve) => setTimeout(resolve, 5))
          await tx.saveUser({ ...current, token_generation: current.token_generation + 1 })
        })
      )
    )
    expect((await servers[1]!.userById(user.id))?.token_generation).toBe(10)
  })

  it('counts the usage two servers add at once, without waiting for a writer', async () => {
    const url = await freshDatabaseUrl()
    const [a, b] = [await open(url), await open(url)]
    const user = userRecord('alice')
    await a.insertUser(user)
    const keys = Array.from({ length: 20 }, () => keyRecord(user))
    for (const k of keys) await a.insertKey(k)
    const batch = (order: typeof keys) =>
      new Map<string, UsageCount>(order.map((k) => [k.id, { uses: 1, lastUsedAt: later() }]))

    // A writer holds the write lock meanwhile: usage counts do not wait for it.
    let release!: () => void
    let holding!: () => void
    const held = new Promise<void>((resolve) => (holding = resolve))
    const writer = a.transaction(async (tx) => {
      await tx.insertUser(userRecord('bob'))
      const released = new Promise<void>((resolve) => (release = resolve))
      holding()
      await released
    })
    await held
    const rounds = []
    for (let i = 0; i < 10; i++) {
      rounds.push(a.addUsage(batch(keys)), b.addUsage(batch([...keys].reverse())))
    }
    await Promise.all(rounds)
    release()
    await writer
    for (const k of keys) expect((await b.keyById(k.id))?.total_uses).toBe(20)
  })

  it('refuses a key revoked through another server at once', async () => {
    const url = await freshDatabaseUrl()
    const [a, b] = [await open(url), await open(url)]
    const user = userRecord('alice')
    const key = keyRecord(user)
    await a.insertUser(user)
    await a.insertKey(key)
    expect(await b.keyByHash(key.hash)).toEqual({ key, user })
    await a.deleteKeys([key.id])
    expect(await b.keyByHash(key.hash)).toBeNull()
  })

  it('imports and saves 10,000 variables in a few statements, in well under a second', async () => {
    // One connection, warmed by a first small batch: what is timed is the statements, not a cold start.
    const store = await openPostgresStore(await freshDatabaseUrl(), { poolSize: 1 })
    opened.push(store)
    const user = userRecord('alice')
    await store.insertUser(user)
    await store.insertVariables([variableRecord(user, 'WARM_UP')])
    const records = Array.from({ length: 10_000 }, (_, i) =>
      variableRecord(user, `VAR_${i}`, { value: `gAAAA${'x'.repeat(120)}${i}`, default_fields: ['a', 'b'] })
    )
    const queries = vi.spyOn(pg.Client.prototype, 'query')
    let started = performance.now()
    await store.insertVariables(records)
    const insertMs = performance.now() - started
    started = performance.now()
    await store.saveVariables(records.map((r) => ({ ...r, value: `${r.value}-changed` })))
    const saveMs = performance.now() - started
    // BEGIN with the lock, SAVEPOINT, the statement, RELEASE, COMMIT: for each of the two batches.
    expect(queries.mock.calls.length).toBe(10)
    queries.mockRestore()

    const stored = await store.variablesOf(user.id)
    expect(stored.map((v) => v.name)).toEqual(['WARM_UP', ...records.map((r) => r.name)])
    expect(stored[10_000]?.value).toBe(`${records[9_999]!.value}-changed`)
    // Typically 100-200 ms each; the bound leaves room for a loaded CI machine (the statement count above is
    // what catches a query per row).
    expect(insertMs).toBeLessThan(5000)
    expect(saveMs).toBeLessThan(5000)
  })

  it('keeps milliseconds and counts past 2^31', async () => {
    const store = await open(await freshDatabaseUrl())
    const user = userRecord('alice', { last_login_at: '2026-12-06T18:22:28.001Z' })
    const key = keyRecord(user, { total_uses: 3_000_000_000, last_used_at: '2026-12-06T18:22:28.999Z' })
    await store.insertUser(user)
    await store.insertKey(key)
    await store.addUsage(new Map([[key.id, { uses: 1, lastUsedAt: '2026-12-06T18:22:29.000Z' }]]))
    expect(await store.userById(user.id)).toEqual(user)
    expect(await store.keyById(key.id)).toEqual({
      ...key,
      total_uses: 3_000_000_001,
      last_used_at: '2026-12-06T18:22:29.000Z'
    })
  })

  it('refuses to replace its data with records that break the rules, and keeps what it held', async () => {
    const store = await open(await freshDatabaseUrl())
    const user = userRecord('alice')
    await store.insertUser(user)
    await store.insertKey(keyRecord(user))
    const before = await store.exportAll()
    const ghostKey = keyRecord(userRecord('ghost'))
    expect(
      await failure(() => store.replaceAll({ ...before, api_keys: [...before.api_keys, ghostKey] }))
    ).toBeInstanceOf(MissingUser)
    const twin = await failure(() =>
      store.replaceAll({ ...before, users: [...before.users, userRecord('alice')] })
    )
    expect(twin).toBeInstanceOf(UniqueViolation)
    expect((twin as UniqueViolation).rule).toBe('username')
    expect(await store.exportAll()).toEqual(before)
  })

  it('refuses the operations of a transaction that has ended', async () => {
    const store = await open(await freshDatabaseUrl())
    const leaked = await store.transaction(async (tx) => tx)
    await expect(leaked.listUsers()).rejects.toThrow(/transaction has ended/)
  })
})
