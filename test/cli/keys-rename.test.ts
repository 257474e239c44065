// `flowkeys keys rename <id|name> <new-name>`: found as revoke finds a key, renamed in the store, the key itself
// unchanged and still working.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/main/core/open'
import { tempDir } from '../helpers/tmp'
import { expectOneLineError, flowkeys, ok } from './helpers'

interface Created {
  id: string
  name: string
  api_key: string
  user_id: string
}

describe('flowkeys keys rename', () => {
  const dataDir = join(tempDir('flowkeys-cli-keys-rename-'), 'data')
  let core: Core

  const create = async (name: string, user?: string): Promise<Created> =>
    JSON.parse(await ok(dataDir, ['api-key', '--name', name, '--json', ...(user ? ['--user', user] : [])]))
  const nameOf = async (id: string): Promise<string | null | undefined> =>
    (await core.store.keyById(id))?.name

  beforeAll(async () => {
    await ok(dataDir, ['users', 'add', 'alice', '--password-stdin'], 'alice-password\n')
    await ok(dataDir, ['users', 'add', 'bob', '--password-stdin'], 'bob-password\n')
    core = await openCore({ dataDir, env: {} })
  })
  afterAll(() => core?.close())

  it('renames by name and by id; the key keeps working under its new name', async () => {
    const key = await create('ci')
    const out = await ok(dataDir, ['keys', 'rename', 'ci', 'ci (GitHub Actions)'])
    expect(out).toBe(
      `Renamed API key "ci" ${key.api_key.slice(0, 8)}**** (${key.id}) to "ci (GitHub Actions)"\n`
    )
    expect(out).not.toContain(key.api_key)
    expect(await nameOf(key.id)).toBe('ci (GitHub Actions)')
    expect((await core.keys.verify(key.api_key))?.key.name).toBe('ci (GitHub Actions)')

    await ok(dataDir, ['keys', 'rename', key.id, '  deploy  '])
    expect(await nameOf(key.id)).toBe('deploy')
  })

  it("renames another user's key (the CLI acts as the superuser); --user narrows a shared name", async () => {
    const a = await create('shared', 'alice')
    const b = await create('shared', 'bob')
    const result = await flowkeys(['keys', 'rename', 'shared', 'x', '--data-dir', dataDir])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /^flowkeys: 2 API keys are named "shared"; nothing was renamed\. Rename by id:/
    )
    expect(await nameOf(a.id)).toBe('shared')
    expect(await nameOf(b.id)).toBe('shared')

    await ok(dataDir, ['keys', 'rename', 'shared', 'bob key', '--user', 'bob'])
    expect(await nameOf(b.id)).toBe('bob key')
    expect(await nameOf(a.id)).toBe('shared')
  })

  it('refuses an unknown key, an empty or too long name, and a missing argument', async () => {
    const kept = await create('kept')
    expect(
      expectOneLineError(await flowkeys(['keys', 'rename', 'nope', 'x', '--data-dir', dataDir]), 1)
    ).toBe('flowkeys: API Key not found: nope')
    expectOneLineError(await flowkeys(['keys', 'rename', 'kept', '  ', '--data-dir', dataDir]), 1)
    const long = await flowkeys(['keys', 'rename', 'kept', 'x'.repeat(256), '--data-dir', dataDir])
    expect(expectOneLineError(long, 1)).toMatch(/too long/)
    expect(await nameOf(kept.id)).toBe('kept')
    expectOneLineError(await flowkeys(['keys', 'rename', 'kept', '--data-dir', dataDir]), 2)
  })
})
