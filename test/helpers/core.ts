import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, it } from 'vitest'
import { openCore, type Core } from '../../src/main/core/open'
import type { Store } from '../../src/main/store/backend'
import type { Actor } from '../../src/main/users/actor'
import { ensureDataDir } from '../../src/main/store/data-file'
import { openStore } from '../../src/main/store/open'
import { tempDir } from './tmp'

/**
 * The vitest project `postgres` sets FLOWKEYS_TEST_STORE=postgres: the same tests then run on the PostgreSQL store
 * (a fresh database per data directory, one vault key for the run), the default project on the JSON file.
 */
export const TEST_STORE = process.env.FLOWKEYS_TEST_STORE === 'postgres' ? 'postgres' : 'file'
/** A test of what only the JSON file does (its bytes, its writes, its shared records); the others run on both. */
export const itOnFile: ReturnType<typeof it.skipIf> = it.skipIf(TEST_STORE !== 'file')
const postgres = TEST_STORE === 'postgres' ? await import('./postgres') : null
const TEST_SECRET_KEY = randomBytes(32).toString('base64url')
const databases = new Map<string, Promise<string>>()

/** What a core opened on `dataDir` needs in its environment to use this project's store (nothing for the file). */
export async function storeEnv(dataDir: string): Promise<NodeJS.ProcessEnv> {
  if (!postgres) return {}
  let url = databases.get(dataDir)
  if (!url) databases.set(dataDir, (url = postgres.freshDatabaseUrl()))
  return { FLOWKEYS_DATABASE_URL: await url, FLOWKEYS_SECRET_KEY: TEST_SECRET_KEY }
}

let count = 0
const root = tempDir('flowkeys-core-')
const opened = new Set<Core>()
const stores = new Set<Store>()

// Once for the file (vitest drops an afterAll made inside a test or a beforeAll: see test/setup/file-end.ts);
// registered after the hook that removes the temp folders, so it runs before it: every core is closed before its
// folder is removed.
afterAll(async () => {
  for (const core of opened) await core.close()
  opened.clear()
  for (const store of stores) await store.close()
  stores.clear()
})

/**
 * This project's store for `dir` (the JSON file in it, or its PostgreSQL database): the same folder opens the same
 * store again. Closed when the file ends.
 */
export async function testStore(dir: string): Promise<Store> {
  ensureDataDir(dir)
  const store = await openStore(dir, (await storeEnv(dir)).FLOWKEYS_DATABASE_URL)
  stores.add(store)
  return store
}

/** A real core (real store, real vault on the OS keychain) in a fresh data directory, closed when the file ends. */
export async function testCore(env: NodeJS.ProcessEnv = {}): Promise<Core> {
  const dataDir = join(root, `core${count++}`)
  const core = await openCore({ dataDir, env: { ...(await storeEnv(dataDir)), ...env } })
  opened.add(core)
  return core
}

/** A test core with its superuser and two users, alice and bob, who are not superusers. */
export async function coreWithTwoUsers(): Promise<{ core: Core; admin: Actor; alice: Actor; bob: Actor }> {
  const core = await testCore()
  const admin = core.superuser()
  const a = await core.users.create(admin, { username: 'alice', password: 'alice-password' })
  const b = await core.users.create(admin, { username: 'bob', password: 'bob-password' })
  return { core, admin, alice: { id: a.id, is_superuser: false }, bob: { id: b.id, is_superuser: false } }
}
