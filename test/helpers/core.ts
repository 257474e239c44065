import { join } from 'node:path'
import { afterAll } from 'vitest'
import { openCore, type Core } from '../../src/main/core/open'
import { tempDir } from './tmp'

let count = 0
const root = tempDir('flowkeys-core-')

/** A real core (real store, real vault on the OS keychain) in a fresh data directory, closed after the suite. */
export async function testCore(env: NodeJS.ProcessEnv = {}): Promise<Core> {
  const core = await openCore({ dataDir: join(root, `core${count++}`), env: { ...env } })
  afterAll(() => core.close())
  return core
}
