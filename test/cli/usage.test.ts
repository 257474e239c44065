import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openCore } from '../../src/main/core/open'
import { tempDir } from '../helpers/tmp'
import { writeCounter } from '../helpers/store-writes'
import { ok } from './helpers'

const root = tempDir('flowkeys-cli-usage-')

/** Counts uses of one key under 1,000 verifications in one process; returns what the CLI then lists. */
async function verifyThousandTimes(dataDir: string, env: NodeJS.ProcessEnv) {
  const created = JSON.parse(await ok(dataDir, ['api-key', '--name', 'busy', '--json']))
  const core = await openCore({ dataDir, env })
  // This process's writes of the store file (what the store's onWrite listener used to count).
  const writes = writeCounter(dataDir)
  for (let i = 0; i < 1000; i++) expect((await core.keys.verify(created.api_key))?.key.id).toBe(created.id)
  await core.close()
  const listed = JSON.parse(await ok(dataDir, ['keys', 'list', '--json']))
  return { writes: writes(), key: listed.find((k: { id: string }) => k.id === created.id) }
}

describe('usage counting', () => {
  it('1,000 verifications: exact counters after close, and far fewer than 1,000 store writes', async () => {
    const { writes, key } = await verifyThousandTimes(join(root, 'tracked'), {})
    expect(key.total_uses).toBe(1000)
    expect(key.last_used_at).not.toBeNull()
    expect(Date.parse(key.last_used_at)).toBeGreaterThanOrEqual(Date.parse(key.created_at))
    expect(writes).toBeGreaterThanOrEqual(1)
    expect(writes).toBeLessThan(10)
  })

  it('with LANGFLOW_DISABLE_TRACK_APIKEY_USAGE=true nothing is counted or written', async () => {
    const { writes, key } = await verifyThousandTimes(join(root, 'untracked'), {
      LANGFLOW_DISABLE_TRACK_APIKEY_USAGE: 'true'
    })
    expect(key.total_uses).toBe(0)
    expect(key.last_used_at).toBeNull()
    expect(writes).toBe(0)
  })
})
