import { join } from 'node:path'
import { afterAll } from 'vitest'
import { openCore, type Core } from '../../src/main/core/open'
import { tempDir } from './tmp'

let count = 0
const root = tempDir('flowkeys-core-')
const opened = new Set<Core>()

// Once for the file, as in ./tmp (vitest drops an afterAll made inside a test or a beforeAll); registered after
// tmp's, so it runs before it: every core is closed before its folder is removed.
afterAll(async () => {
  for (const core of opened) await core.close()
  opened.clear()
})

/** A real core (real store, real vault on the OS keychain) in a fresh data directory, closed when the file ends. */
export async function testCore(env: NodeJS.ProcessEnv = {}): Promise<Core> {
  const core = await openCore({ dataDir: join(root, `core${count++}`), env: { ...env } })
  opened.add(core)
  return core
}
