import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/main/core/open'
import { tempDir } from '../helpers/tmp'
import { expectNoFileHolds, expectOneLineError, flowkeys, KEY_PATTERN, ok } from './helpers'

const root = tempDir('flowkeys-cli-api-key-')

describe('flowkeys api-key', () => {
  const dataDir = join(root, 'data')
  const created: string[] = []
  let core: Core

  beforeAll(async () => {
    // The first run creates the store, the vault key and the superuser.
    await ok(dataDir, ['keys', 'list'])
    core = await openCore({ dataDir, env: {} })
  })
  afterAll(() => core?.close())

  it('shows a new key once, in a box, and the key verifies through the core', async () => {
    const stdout = await ok(dataDir, ['api-key'])
    const keys = stdout.match(KEY_PATTERN) ?? []
    expect(keys).toHaveLength(1)
    const key = keys[0]!
    created.push(key)
    expect(key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/)
    expect(stdout).toContain('API Key Created Successfully')
    expect(stdout).toContain('This is the only time the API key will be displayed.')
    expect(stdout).toMatch(/store it in a secure location/)
    const lines = stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^╭─+╮$/)
    expect(lines.at(-1)).toMatch(/^╰─+╯$/)
    for (const line of lines.slice(1, -1)) expect(line).toMatch(/^│ .* │$/)
    const verified = await core.keys.verify(key)
    expect(verified?.user.username).toBe('langflow')
    expect(verified?.key.name).toBe('CLI')
  })

  it('--json prints exactly {id, name, api_key, user_id, created_at, expires_at, allowed_flows}', async () => {
    const printed = JSON.parse(await ok(dataDir, ['api-key', '--name', 'ci', '--json']))
    expect(Object.keys(printed).sort()).toEqual([
      'allowed_flows',
      'api_key',
      'created_at',
      'expires_at',
      'id',
      'name',
      'user_id'
    ])
    expect(printed.api_key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/)
    expect(printed).toMatchObject({
      name: 'ci',
      expires_at: null,
      user_id: core.superuser().id,
      allowed_flows: null
    })
    expect(Number.isNaN(Date.parse(printed.created_at))).toBe(false)
    created.push(printed.api_key)
    expect((await core.keys.verify(printed.api_key))?.key.id).toBe(printed.id)
  })

  it.each([
    ['30d', 30 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['90m', 90 * 60_000],
    ['1w', 7 * 86_400_000],
    ['1y', 365 * 86_400_000]
  ])('--expires-in %s sets expires_at that far after creation', async (flag, ms) => {
    const printed = JSON.parse(await ok(dataDir, ['api-key', '--expires-in', flag, '--json']))
    created.push(printed.api_key)
    const lifetime = Date.parse(printed.expires_at) - Date.parse(printed.created_at)
    // The CLI reads the clock just before the core stamps created_at: allow that gap, nothing more.
    expect(lifetime).toBeLessThanOrEqual(ms)
    expect(lifetime).toBeGreaterThan(ms - 60_000)
    expect(await core.keys.verify(printed.api_key)).not.toBeNull()
  })

  it.each(['30x', '0d', '-1d', '101y', 'd', '1.5h', '', '99999999w'])(
    '--expires-in %j is bad usage (exit 2, one line) and creates nothing',
    async (flag) => {
      const before = (await core.store.keysOf(null)).length
      const result = await flowkeys(['api-key', '--expires-in', flag, '--data-dir', dataDir])
      const line = expectOneLineError(result, 2)
      expect(line).toContain('--expires-in')
      expect(result.stdout).toBe('')
      expect((await core.store.keysOf(null)).length).toBe(before)
    }
  )

  it('--user creates the key for another user', async () => {
    await ok(dataDir, ['users', 'add', 'alice', '--password-stdin'], 'alice-password\n')
    const printed = JSON.parse(await ok(dataDir, ['api-key', '--user', 'alice', '--json']))
    created.push(printed.api_key)
    const alice = await core.users.findByUsername('alice')
    expect(printed.user_id).toBe(alice?.id)
    expect((await core.keys.verify(printed.api_key))?.user.username).toBe('alice')
    const unknown = await flowkeys(['api-key', '--user', 'nobody', '--data-dir', dataDir])
    expect(expectOneLineError(unknown, 1)).toBe('flowkeys: User not found: nobody')
  })

  it('--flows limits the key to those flows (ids lower-cased, duplicates dropped); an empty entry is bad usage', async () => {
    const printed = JSON.parse(
      await ok(dataDir, [
        'api-key',
        '--name',
        'bot',
        '--flows',
        'support-bot, 3F2A0000-0000-4000-8000-00000000000A,support-bot',
        '--json'
      ])
    )
    expect(printed.allowed_flows).toEqual(['support-bot', '3f2a0000-0000-4000-8000-00000000000a'])
    created.push(printed.api_key)
    expect((await core.keys.verify(printed.api_key))?.key.allowed_flows).toEqual(printed.allowed_flows)
    const banner = await ok(dataDir, ['api-key', '--name', 'bot2', '--flows', 'support-bot'])
    expect(banner).toContain('Runs only: support-bot')
    created.push(banner.match(/sk-[A-Za-z0-9_-]{43}/)![0])
    const empty = await flowkeys(['api-key', '--flows', 'a,,b', '--data-dir', dataDir])
    expect(expectOneLineError(empty, 2)).toMatch(/--flows.*comma-separated/)
  })

  it('after creating keys, no file in the data directory holds any key', () => {
    expect(created.length).toBeGreaterThanOrEqual(7)
    expectNoFileHolds(dataDir, created)
  })

  it('a revoked key no longer verifies', async () => {
    const printed = JSON.parse(await ok(dataDir, ['api-key', '--name', 'short-lived', '--json']))
    expect(await core.keys.verify(printed.api_key)).not.toBeNull()
    expect(await ok(dataDir, ['keys', 'revoke', printed.id, '--yes'])).toContain(printed.id)
    expect(await core.keys.verify(printed.api_key)).toBeNull()
  })
})
