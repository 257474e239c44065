import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/main/core/open'
import type { ApiKeyRead } from '../../src/main/keys/service'
import { tempDir } from '../helpers/tmp'
import { expectOneLineError, flowkeys, ok } from './helpers'
import { API_KEY_READ_FIELDS } from '../helpers/contract'

const root = tempDir('flowkeys-cli-keys-')
/** How the listing shows a date of the last few minutes. */
const RECENT = '(?:just now|\\d+ minutes? ago)'

interface Created {
  id: string
  name: string
  api_key: string
  user_id: string
}

describe('flowkeys keys', () => {
  const dataDir = join(root, 'data')
  let core: Core
  const keys: Record<string, Created> = {}

  const create = async (name: string, user?: string): Promise<Created> =>
    JSON.parse(await ok(dataDir, ['api-key', '--name', name, '--json', ...(user ? ['--user', user] : [])]))

  beforeAll(async () => {
    await ok(dataDir, ['users', 'add', 'alice', '--password-stdin'], 'alice-password\n')
    await ok(dataDir, ['users', 'add', 'bob', '--password-stdin'], 'bob-password\n')
    keys.admin = await create('admin-key')
    keys.alice = await create('alice-key', 'alice')
    keys.bob = await create('bob-key', 'bob')
    core = await openCore({ dataDir, env: {} })
  })
  afterAll(() => core?.close())

  it('list shows every key, masked, with its user, and never a plaintext', async () => {
    const stdout = await ok(dataDir, ['keys', 'list'])
    const [header, ...rows] = stdout.trimEnd().split('\n')
    for (const column of ['ID', 'KEY', 'NAME', 'CREATED', 'LAST USED', 'USES', 'EXPIRES', 'STATUS', 'USER']) {
      expect(header).toContain(column)
    }
    expect(rows).toHaveLength(3)
    for (const [who, key] of Object.entries(keys)) {
      expect(stdout).not.toContain(key.api_key)
      expect(stdout).not.toContain(key.api_key.slice(8))
      const row = rows.find((r) => r.startsWith(key.id))
      expect(row).toContain(`${key.api_key.slice(0, 8)}****`)
      expect(row).toContain(key.name)
      expect(row).toMatch(new RegExp(`${RECENT}\\s+never\\s+0\\s+never\\s+active`))
      expect(row?.trimEnd().endsWith(who === 'admin' ? 'langflow' : who)).toBe(true)
    }
  })

  it('list --json prints ApiKeyRead objects, masked', async () => {
    const list: ApiKeyRead[] = JSON.parse(await ok(dataDir, ['keys', 'list', '--json']))
    expect(list.map((k) => k.id).sort()).toEqual(
      Object.values(keys)
        .map((k) => k.id)
        .sort()
    )
    for (const k of list) {
      expect(Object.keys(k).sort()).toEqual([...API_KEY_READ_FIELDS].sort())
      expect(k.api_key).toMatch(/^sk-[A-Za-z0-9_-]{5}\*{38}$/)
    }
  })

  it('list --user shows only that user’s keys, and counts their uses', async () => {
    expect(await core.keys.verify(keys.alice!.api_key)).not.toBeNull()
    expect(await core.keys.verify(keys.alice!.api_key)).not.toBeNull()
    await core.keys.flushUsage()
    const list: ApiKeyRead[] = JSON.parse(await ok(dataDir, ['keys', 'list', '--user', 'alice', '--json']))
    expect(list.map((k) => k.id)).toEqual([keys.alice!.id])
    expect(list[0]).toMatchObject({ total_uses: 2, name: 'alice-key' })
    expect(list[0]!.last_used_at).not.toBeNull()
    const byId: ApiKeyRead[] = JSON.parse(
      await ok(dataDir, ['keys', 'list', '--user', keys.bob!.user_id, '--json'])
    )
    expect(byId.map((k) => k.id)).toEqual([keys.bob!.id])
    const table = await ok(dataDir, ['keys', 'list', '--user', 'alice'])
    expect(table).not.toContain('USER')
    expect(table).toMatch(new RegExp(`alice-key\\s+${RECENT}\\s+${RECENT}\\s+2\\s+never\\s+active`))
    const unknown = await flowkeys(['keys', 'list', '--user', 'carol', '--data-dir', dataDir])
    expect(expectOneLineError(unknown, 1)).toBe('flowkeys: User not found: carol')
  })

  it('revoke by id and by name', async () => {
    const one = await create('one')
    const two = await create('two', 'bob')
    const out = await ok(dataDir, ['keys', 'revoke', one.id, 'two', '--yes'])
    expect(out).toContain(one.id)
    expect(out).toContain(two.id)
    expect(out).not.toContain(one.api_key)
    expect(await core.keys.verify(one.api_key)).toBeNull()
    expect(await core.keys.verify(two.api_key)).toBeNull()
    expect((await core.store.keysOf(null)).some((k) => k.id === one.id || k.id === two.id)).toBe(false)
  })

  it('a name several keys share is an error that lists them and revokes nothing', async () => {
    const a = await create('shared', 'alice')
    const b = await create('shared', 'bob')
    const other = await create('innocent')
    const result = await flowkeys(['keys', 'revoke', 'innocent', 'shared', '--data-dir', dataDir])
    expect(result.code).toBe(1)
    const [reason, ...listed] = result.stderr.trimEnd().split('\n')
    expect(reason).toMatch(/^flowkeys: 2 API keys are named "shared"; nothing was revoked/)
    expect(listed).toHaveLength(2)
    expect(listed.find((l) => l.includes(a.id))).toMatch(new RegExp(`${a.api_key.slice(0, 8)}\\*+\\s+alice$`))
    expect(listed.find((l) => l.includes(b.id))).toMatch(/bob$/)
    expect(result.stderr).not.toContain(a.api_key)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    for (const key of [a, b, other]) expect(await core.keys.verify(key.api_key)).not.toBeNull()
    // --user narrows the name to one user's keys.
    await ok(dataDir, ['keys', 'revoke', 'shared', '--user', 'bob', '--yes'])
    expect(await core.keys.verify(b.api_key)).toBeNull()
    expect(await core.keys.verify(a.api_key)).not.toBeNull()
  })

  it('an unknown id or name is exit 1 "API Key not found: <arg>" and revokes nothing', async () => {
    const kept = await create('kept')
    const result = await flowkeys(['keys', 'revoke', 'kept', 'no-such-key', '--data-dir', dataDir])
    expect(expectOneLineError(result, 1)).toBe('flowkeys: API Key not found: no-such-key')
    expect(await core.keys.verify(kept.api_key)).not.toBeNull()
    // A pasted key is named masked, never echoed.
    const pasted = await flowkeys(['keys', 'revoke', kept.api_key, '--data-dir', dataDir])
    expect(expectOneLineError(pasted, 1)).toBe(
      `flowkeys: API Key not found: ${kept.api_key.slice(0, 8)}${'*'.repeat(38)}`
    )
  })

  it('revoke without an argument is bad usage', async () => {
    expectOneLineError(await flowkeys(['keys', 'revoke', '--data-dir', dataDir]), 2)
  })
})
