import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, inject } from 'vitest'
import type { TestPostgres } from '../setup/postgres'
import { sharedCluster } from '../setup/postgres-cluster'

/** The databases freshDatabaseUrl() made in this test file, dropped when it ends. */
const made: string[] = []
let admin: Promise<pg.Client> | null = null

// Once for the file, registered on import as in ./tmp: it runs after the file's own hooks, which close its stores
// (and WITH (FORCE) ends any connection left open).
afterAll(async () => {
  if (!admin) return
  const client = await admin
  admin = null
  try {
    for (const name of made.splice(0)) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  } finally {
    await client.end()
  }
})

let adminUrl: Promise<string> | null = null

/**
 * The URL of the test PostgreSQL's admin (test/setup/postgres.ts), starting the run's cluster if no test did yet;
 * fails, with the reason, when there is none.
 */
export function testPostgresUrl(): Promise<string> {
  adminUrl ??= (async () => {
    const provided: TestPostgres | undefined = inject('flowkeysPostgres')
    if (!provided)
      throw new Error('No PostgreSQL for the tests: test/setup/postgres.ts is not the globalSetup')
    if ('error' in provided) throw new Error(provided.error)
    if ('url' in provided) return provided.url
    return sharedCluster(provided.dir, provided.bin)
  })()
  return adminUrl
}

// Before the file's tests, within the hook timeout: a first start of the cluster takes a few seconds.
beforeAll(async () => {
  await testPostgresUrl()
})

function adminClient(): Promise<pg.Client> {
  admin ??= (async () => {
    const client = new pg.Client({ connectionString: await testPostgresUrl() })
    client.on('error', () => undefined)
    await client.connect()
    return client
  })()
  return admin
}

/** A URL of the test server with another database in it. */
export async function databaseUrl(name: string): Promise<string> {
  const url = new URL(await testPostgresUrl())
  url.pathname = `/${name}`
  return url.toString()
}

/** A new, empty database on the test server (dropped when the file ends), as a URL. */
export async function freshDatabaseUrl(): Promise<string> {
  const name = `flowkeys_t_${process.pid}_${made.length}_${randomBytes(3).toString('hex')}`
  const client = await adminClient()
  await client.query(`CREATE DATABASE ${name}`)
  made.push(name)
  return await databaseUrl(name)
}

/** Runs SQL in a database as the admin, for tests that look under the store (a version row, a raw dump). */
export async function sqlIn<T extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  text: string,
  values?: unknown[]
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}
