import { beforeAll, describe, expect, it } from 'vitest'
import { Forbidden, NotFound } from '../../src/main/base/errors'
import type { Core } from '../../src/main/core/open'
import { API_KEY_LENGTH, generateApiKey, maskApiKey } from '../../src/main/keys/generate'
import type { Actor } from '../../src/main/users/actor'
import { testCore } from '../helpers/core'
import { expectNoFileHolds } from '../helpers/files'

describe('key format', () => {
  it('is sk- and 43 base64url characters (46 in all)', () => {
    for (let i = 0; i < 200; i++) {
      const key = generateApiKey()
      expect(key).toHaveLength(API_KEY_LENGTH)
      expect(key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/)
    }
  })

  it('10,000 generated keys are all distinct', () => {
    const keys = new Set(Array.from({ length: 10_000 }, generateApiKey))
    expect(keys.size).toBe(10_000)
  })

  it('masks as the first 8 characters then one * per remaining character', () => {
    const key = generateApiKey()
    const masked = maskApiKey(key)
    expect(masked).toHaveLength(key.length)
    expect(masked.slice(0, 8)).toBe(key.slice(0, 8))
    expect(masked.slice(8)).toBe('*'.repeat(38))
  })
})

describe('API keys in the core', () => {
  let core: Core
  let admin: Actor
  let alice: Actor
  let bob: Actor

  beforeAll(async () => {
    core = await testCore()
    admin = core.superuser()
    const a = await core.users.create(admin, { username: 'alice', password: 'alice-password' })
    const b = await core.users.create(admin, { username: 'bob', password: 'bob-password' })
    alice = { id: a.id, is_superuser: false }
    bob = { id: b.id, is_superuser: false }
  })

  it('creates a key that verifies, shown in full once and masked afterwards', async () => {
    const created = await core.keys.create(alice, { name: 'ci' })
    expect(created.api_key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/)
    expect(created.key.api_key).toBe(maskApiKey(created.api_key))
    expect(created.key).toMatchObject({
      name: 'ci',
      total_uses: 0,
      last_used_at: null,
      is_active: true,
      user_id: alice.id,
      expires_at: null
    })
    const verified = core.keys.verify(created.api_key)
    expect(verified?.user.id).toBe(alice.id)
    const listed = core.keys.list(alice).api_keys.find((k) => k.id === created.key.id)
    expect(listed?.api_key).toBe(maskApiKey(created.api_key))
    expect(JSON.stringify(core.keys.list(alice))).not.toContain(created.api_key)
  })

  it('stores only an HMAC and the 8-character prefix: no file holds a key', async () => {
    const plaintexts = await Promise.all(
      [1, 2, 3].map(async (i) => (await core.keys.create(bob, { name: `k${i}` })).api_key)
    )
    const record = core.store.read().api_keys.at(-1)
    expect(Object.keys(record ?? {}).sort()).toEqual(
      [
        'created_at',
        'expires_at',
        'hash',
        'id',
        'is_active',
        'last_used_at',
        'name',
        'prefix',
        'total_uses',
        'user_id'
      ].sort()
    )
    expect(record?.prefix).toHaveLength(8)
    expectNoFileHolds(core.dataDir, plaintexts)
  })

  it('refuses unknown, malformed, revoked, inactive and expired keys like an unknown key', async () => {
    expect(core.keys.verify(generateApiKey())).toBeNull()
    expect(core.keys.verify('sk-short')).toBeNull()
    expect(core.keys.verify('')).toBeNull()
    const revoked = await core.keys.create(alice, { name: 'revoked' })
    await core.keys.revoke(alice, revoked.key.id)
    expect(core.keys.verify(revoked.api_key)).toBeNull()
    const inactive = await core.keys.create(alice, { name: 'inactive' })
    await core.store.update((d) => {
      const k = d.api_keys.find((x) => x.id === inactive.key.id)
      if (k) k.is_active = false
    })
    expect(core.keys.verify(inactive.api_key)).toBeNull()
    const soon = new Date(Date.now() + 60_000).toISOString()
    const expiring = await core.keys.create(alice, { name: 'expiring', expires_at: soon })
    expect(core.keys.verify(expiring.api_key)).not.toBeNull()
    expect(core.keys.verify(expiring.api_key, new Date(Date.now() + 120_000))).toBeNull()
  })

  it('refuses an expiry in the past or unreadable', async () => {
    await expect(core.keys.create(alice, { expires_at: '2001-01-01T00:00:00Z' })).rejects.toThrow(
      'expires_at must be in the future'
    )
    await expect(core.keys.create(alice, { expires_at: 'next tuesday' })).rejects.toThrow(/ISO 8601/)
  })

  it("scopes keys to their user: B cannot list, see or revoke A's keys", async () => {
    const aliceKey = await core.keys.create(alice, { name: 'alice-only' })
    expect(core.keys.list(bob).api_keys.map((k) => k.id)).not.toContain(aliceKey.key.id)
    expect(() => core.keys.list(bob, alice.id)).toThrow(Forbidden)
    expect(core.keys.find(bob, 'alice-only')).toEqual([])
    await expect(core.keys.revoke(bob, aliceKey.key.id)).rejects.toBeInstanceOf(NotFound)
    await expect(core.keys.revoke(bob, aliceKey.key.id, { acrossUsers: true })).rejects.toBeInstanceOf(
      Forbidden
    )
    await expect(core.keys.create(bob, {}, alice.id)).rejects.toBeInstanceOf(Forbidden)
    expect(core.keys.verify(aliceKey.api_key)?.user.id).toBe(alice.id)
  })

  it("lets a superuser manage every user's keys", async () => {
    const forBob = await core.keys.create(admin, { name: 'made-by-admin' }, bob.id)
    expect(forBob.key.user_id).toBe(bob.id)
    expect(core.keys.list(admin, bob.id).api_keys.map((k) => k.id)).toContain(forBob.key.id)
    await core.keys.revoke(admin, forBob.key.id, { acrossUsers: true })
    expect(core.keys.verify(forBob.api_key)).toBeNull()
  })

  it("a superuser's key acts as the superuser", async () => {
    const key = await core.keys.create(admin, { name: 'root' })
    const principal = await core.auth.authenticate({ apiKey: key.api_key })
    expect(principal.user.is_superuser).toBe(true)
    expect(
      core.users.list({ id: principal.user.id, is_superuser: principal.user.is_superuser }).total_count
    ).toBeGreaterThan(0)
  })

  it('counts uses in memory, shows them live, and flushes them in one write', async () => {
    const key = await core.keys.create(alice, { name: 'counted' })
    let writes = 0
    const off = core.store.onWrite(() => writes++)
    for (let i = 0; i < 50; i++) core.keys.verify(key.api_key)
    const live = core.keys.list(alice).api_keys.find((k) => k.id === key.key.id)
    expect(live?.total_uses).toBe(50)
    expect(live?.last_used_at).not.toBeNull()
    expect(writes).toBe(0)
    await core.keys.flushUsage()
    off()
    expect(writes).toBe(1)
    expect(core.store.read().api_keys.find((k) => k.id === key.key.id)?.total_uses).toBe(50)
  })

  it('shares one frozen ApiKeyRead per unchanged key across listings; a used or changed key gets a new one', async () => {
    const used = await core.keys.create(bob, { name: 'used' })
    const idle = await core.keys.create(bob, { name: 'idle' })
    const byId = () => new Map(core.keys.list(bob).api_keys.map((k) => [k.id, k]))
    const first = byId()
    expect(Object.isFrozen(first.get(idle.key.id))).toBe(true)
    expect(byId().get(idle.key.id)).toBe(first.get(idle.key.id))

    core.keys.verify(used.api_key)
    const counting = byId()
    expect(counting.get(used.key.id)).toMatchObject({ total_uses: 1 }) // live, not the shared one
    expect(counting.get(used.key.id)).not.toBe(first.get(used.key.id))
    expect(counting.get(idle.key.id)).toBe(first.get(idle.key.id))

    await core.keys.flushUsage() // the record changes in place: its listing follows, the others stay shared
    const flushed = byId()
    expect(flushed.get(used.key.id)).toMatchObject({ total_uses: 1 })
    expect(Object.isFrozen(flushed.get(used.key.id))).toBe(true)
    expect(flushed.get(idle.key.id)).toBe(first.get(idle.key.id))
  })
})

describe('usage tracking switched off', () => {
  it('counts nothing with LANGFLOW_DISABLE_TRACK_APIKEY_USAGE=true', async () => {
    const core = await testCore({ LANGFLOW_DISABLE_TRACK_APIKEY_USAGE: 'true' })
    const key = await core.keys.create(core.superuser(), { name: 'untracked' })
    for (let i = 0; i < 10; i++) expect(core.keys.verify(key.api_key)).not.toBeNull()
    await core.keys.flushUsage()
    const stored = core.store.read().api_keys.find((k) => k.id === key.key.id)
    expect(stored?.total_uses).toBe(0)
    expect(stored?.last_used_at).toBeNull()
  })
})

describe('revoking several keys', () => {
  /** A core with two keys of the superuser, the second named `second`. */
  async function twoKeys(second: string) {
    const core = await testCore()
    const admin = core.superuser()
    const a = await core.keys.create(admin, { name: 'a' })
    const b = await core.keys.create(admin, { name: second })
    return { core, admin, a, b }
  }

  it('revokes all in one write, or none when one is unknown', async () => {
    const { core, admin, a, b } = await twoKeys('b')
    await expect(core.keys.revokeMany(admin, [a.key.id, 'no-such-id'])).rejects.toThrow('API Key not found')
    expect(core.keys.verify(a.api_key)).not.toBeNull()
    let writes = 0
    core.store.onWrite(() => writes++)
    await core.keys.revokeMany(admin, [a.key.id, b.key.id])
    expect(writes).toBe(1)
    expect(core.keys.verify(a.api_key)).toBeNull()
    expect(core.keys.verify(b.api_key)).toBeNull()
  })

  it('with skipMissing, revokes the keys that exist and names the missing ones, in one write', async () => {
    const { core, admin, a, b: gone } = await twoKeys('gone')
    await core.keys.revoke(admin, gone.key.id)
    let writes = 0
    core.store.onWrite(() => writes++)
    const result = await core.keys.revokeMany(admin, [a.key.id, gone.key.id, a.key.id], { skipMissing: true })
    expect(result).toEqual({ revoked: [a.key.id], missing: [gone.key.id] })
    expect(writes).toBe(1)
    expect(core.keys.verify(a.api_key)).toBeNull()
  })
})
