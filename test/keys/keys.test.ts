import { beforeAll, describe, expect, it } from 'vitest'
import { Forbidden, NotFound } from '../../src/main/base/errors'
import type { Core } from '../../src/main/core/open'
import { API_KEY_LENGTH, generateApiKey, maskApiKey } from '../../src/main/keys/generate'
import type { Actor } from '../../src/main/users/actor'
import { coreWithTwoUsers, itOnFile, testCore } from '../helpers/core'
import { expectNoFileHolds } from '../helpers/files'
import { writeCounter } from '../helpers/store-writes'

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
    ;({ core, admin, alice, bob } = await coreWithTwoUsers())
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
    const verified = await core.keys.verify(created.api_key)
    expect(verified?.user.id).toBe(alice.id)
    const listed = (await core.keys.list(alice)).api_keys.find((k) => k.id === created.key.id)
    expect(listed?.api_key).toBe(maskApiKey(created.api_key))
    expect(JSON.stringify(await core.keys.list(alice))).not.toContain(created.api_key)
  })

  itOnFile('stores only an HMAC and the 8-character prefix: no file holds a key', async () => {
    const plaintexts = await Promise.all(
      [1, 2, 3].map(async (i) => (await core.keys.create(bob, { name: `k${i}` })).api_key)
    )
    const record = (await core.store.exportAll()).api_keys.at(-1)
    expect(Object.keys(record ?? {}).sort()).toEqual(
      [
        'allowed_flows',
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
    expect(await core.keys.verify(generateApiKey())).toBeNull()
    expect(await core.keys.verify('sk-short')).toBeNull()
    expect(await core.keys.verify('')).toBeNull()
    const revoked = await core.keys.create(alice, { name: 'revoked' })
    await core.keys.revoke(alice, revoked.key.id)
    expect(await core.keys.verify(revoked.api_key)).toBeNull()
    const inactive = await core.keys.create(alice, { name: 'inactive' })
    // The store has no operation that changes a key: the record is switched off in a copy of the data.
    await core.store.transaction(async (tx) => {
      const data = await tx.exportAll()
      const k = data.api_keys.find((x) => x.id === inactive.key.id)
      if (k) k.is_active = false
      await tx.replaceAll(data)
    })
    expect((await core.store.keyById(inactive.key.id))?.is_active).toBe(false)
    expect(await core.keys.verify(inactive.api_key)).toBeNull()
    const soon = new Date(Date.now() + 60_000).toISOString()
    const expiring = await core.keys.create(alice, { name: 'expiring', expires_at: soon })
    expect(await core.keys.verify(expiring.api_key)).not.toBeNull()
    expect(await core.keys.verify(expiring.api_key, new Date(Date.now() + 120_000))).toBeNull()
  })

  it('refuses an expiry in the past or unreadable', async () => {
    await expect(core.keys.create(alice, { expires_at: '2001-01-01T00:00:00Z' })).rejects.toThrow(
      'expires_at must be in the future'
    )
    await expect(core.keys.create(alice, { expires_at: 'next tuesday' })).rejects.toThrow(/ISO 8601/)
    // Past year 9999 a date has no four-digit form: PostgreSQL refused it with a 500 (found by fuzzing).
    await expect(core.keys.create(alice, { expires_at: '+010000-01-01T00:00:00.000Z' })).rejects.toThrow(
      'expires_at must be before the year 10000'
    )
    const last = await core.keys.create(alice, { name: 'far', expires_at: '9999-12-31T23:59:59Z' })
    expect((await core.store.keyById(last.key.id))?.expires_at).toBe('9999-12-31T23:59:59.000Z')
  })

  it("scopes keys to their user: B cannot list, see or revoke A's keys", async () => {
    const aliceKey = await core.keys.create(alice, { name: 'alice-only' })
    expect((await core.keys.list(bob)).api_keys.map((k) => k.id)).not.toContain(aliceKey.key.id)
    await expect(core.keys.list(bob, alice.id)).rejects.toBeInstanceOf(Forbidden)
    expect(await core.keys.find(bob, 'alice-only')).toEqual([])
    await expect(core.keys.revoke(bob, aliceKey.key.id)).rejects.toBeInstanceOf(NotFound)
    await expect(core.keys.revoke(bob, aliceKey.key.id, { acrossUsers: true })).rejects.toBeInstanceOf(
      Forbidden
    )
    await expect(core.keys.create(bob, {}, alice.id)).rejects.toBeInstanceOf(Forbidden)
    expect((await core.keys.verify(aliceKey.api_key))?.user.id).toBe(alice.id)
  })

  it("lets a superuser manage every user's keys", async () => {
    const forBob = await core.keys.create(admin, { name: 'made-by-admin' }, bob.id)
    expect(forBob.key.user_id).toBe(bob.id)
    expect((await core.keys.list(admin, bob.id)).api_keys.map((k) => k.id)).toContain(forBob.key.id)
    await core.keys.revoke(admin, forBob.key.id, { acrossUsers: true })
    expect(await core.keys.verify(forBob.api_key)).toBeNull()
  })

  it("a superuser's key acts as the superuser", async () => {
    const key = await core.keys.create(admin, { name: 'root' })
    const principal = await core.auth.authenticate({ apiKey: key.api_key })
    expect(principal.user.is_superuser).toBe(true)
    expect(
      (await core.users.list({ id: principal.user.id, is_superuser: principal.user.is_superuser }))
        .total_count
    ).toBeGreaterThan(0)
  })

  itOnFile('counts uses in memory, shows them live, and flushes them in one write', async () => {
    const key = await core.keys.create(alice, { name: 'counted' })
    const writes = writeCounter(core.dataDir)
    await Promise.all(Array.from({ length: 50 }, () => core.keys.verify(key.api_key)))
    const live = (await core.keys.list(alice)).api_keys.find((k) => k.id === key.key.id)
    expect(live?.total_uses).toBe(50)
    expect(live?.last_used_at).not.toBeNull()
    expect(writes()).toBe(0)
    await core.keys.flushUsage()
    expect(writes()).toBe(1)
    expect((await core.store.keyById(key.key.id))?.total_uses).toBe(50)
  })

  itOnFile(
    'shares one frozen ApiKeyRead per unchanged key across listings; a used or changed key gets a new one',
    async () => {
      const used = await core.keys.create(bob, { name: 'used' })
      const idle = await core.keys.create(bob, { name: 'idle' })
      const byId = async () => new Map((await core.keys.list(bob)).api_keys.map((k) => [k.id, k]))
      const first = await byId()
      expect(Object.isFrozen(first.get(idle.key.id))).toBe(true)
      expect((await byId()).get(idle.key.id)).toBe(first.get(idle.key.id))

      await core.keys.verify(used.api_key)
      const counting = await byId()
      expect(counting.get(used.key.id)).toMatchObject({ total_uses: 1 }) // live, not the shared one
      expect(counting.get(used.key.id)).not.toBe(first.get(used.key.id))
      expect(counting.get(idle.key.id)).toBe(first.get(idle.key.id))

      await core.keys.flushUsage() // the used key's record changes: its listing follows, the others stay shared
      const flushed = await byId()
      expect(flushed.get(used.key.id)).toMatchObject({ total_uses: 1 })
      expect(Object.isFrozen(flushed.get(used.key.id))).toBe(true)
      expect(flushed.get(idle.key.id)).toBe(first.get(idle.key.id))
    }
  )
})

describe('usage tracking switched off', () => {
  it('counts nothing with LANGFLOW_DISABLE_TRACK_APIKEY_USAGE=true', async () => {
    const core = await testCore({ LANGFLOW_DISABLE_TRACK_APIKEY_USAGE: 'true' })
    const key = await core.keys.create(core.superuser(), { name: 'untracked' })
    for (let i = 0; i < 10; i++) expect(await core.keys.verify(key.api_key)).not.toBeNull()
    await core.keys.flushUsage()
    const stored = await core.store.keyById(key.key.id)
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

  itOnFile('revokes all in one write, or none when one is unknown', async () => {
    const { core, admin, a, b } = await twoKeys('b')
    await expect(core.keys.revokeMany(admin, [a.key.id, 'no-such-id'])).rejects.toThrow('API Key not found')
    expect(await core.keys.verify(a.api_key)).not.toBeNull()
    const writes = writeCounter(core.dataDir)
    await core.keys.revokeMany(admin, [a.key.id, b.key.id])
    expect(writes()).toBe(1)
    expect(await core.keys.verify(a.api_key)).toBeNull()
    expect(await core.keys.verify(b.api_key)).toBeNull()
  })

  itOnFile(
    'with skipMissing, revokes the keys that exist and names the missing ones, in one write',
    async () => {
      const { core, admin, a, b: gone } = await twoKeys('gone')
      await core.keys.revoke(admin, gone.key.id)
      const writes = writeCounter(core.dataDir)
      const result = await core.keys.revokeMany(admin, [a.key.id, gone.key.id, a.key.id], {
        skipMissing: true
      })
      expect(result).toEqual({ revoked: [a.key.id], missing: [gone.key.id] })
      expect(writes()).toBe(1)
      expect(await core.keys.verify(a.api_key)).toBeNull()
    }
  )
})
