import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp'
import { Holder, ok } from './helpers'

const root = tempDir('flowkeys-cli-revocation-')

describe('revocation across processes', () => {
  const dataDir = join(root, 'data')
  let holder: Holder | undefined
  afterAll(async () => {
    await holder?.close()
  })

  it('a key revoked by the CLI is refused on the next verification by a process that holds the store', async () => {
    const kept = JSON.parse(await ok(dataDir, ['api-key', '--name', 'kept', '--json']))
    holder = new Holder(dataDir)
    expect(await holder.next()).toBe('ready')
    // Created after the holder opened the store: it must notice new keys too.
    const key = JSON.parse(await ok(dataDir, ['api-key', '--name', 'server', '--json']))
    expect(await holder.verify(key.api_key)).toBe('ok')
    expect(await holder.verify(key.api_key)).toBe('ok')
    await ok(dataDir, ['keys', 'revoke', 'server', '--yes'])
    expect(await holder.verify(key.api_key)).toBe('refused')
    expect(await holder.verify(kept.api_key)).toBe('ok')
    expect(await holder.close()).toBe(0)
    // The holder's counted uses were flushed on close, on top of the revocation, not over it.
    const list = JSON.parse(await ok(dataDir, ['keys', 'list', '--json']))
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ id: kept.id, total_uses: 1 })
  })
})
