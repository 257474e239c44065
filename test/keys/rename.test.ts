// Renaming an API key (`flowkeys keys rename`, the app's Rename): the owner or a superuser, the name checked as
// at creation, the key itself (hash, uses, expiry, place in the list) untouched and still working.
import { beforeAll, describe, expect, it } from 'vitest'
import { BadRequest, Forbidden, NotFound } from '../../src/main/base/errors'
import type { Core } from '../../src/main/core/open'
import type { Actor } from '../../src/main/users/actor'
import { coreWithTwoUsers } from '../helpers/core'

describe('renaming an API key', () => {
  let core: Core
  let admin: Actor
  let alice: Actor
  let bob: Actor

  beforeAll(async () => {
    ;({ core, admin, alice, bob } = await coreWithTwoUsers())
  })

  it('renames its own key in place: the key still verifies, its place and the rest are kept', async () => {
    const first = await core.keys.create(alice, { name: 'ci', expires_at: '2999-01-01T00:00:00.000Z' })
    const second = await core.keys.create(alice, { name: 'other' })
    expect(await core.keys.verify(first.api_key)).not.toBeNull()
    await core.keys.flushUsage()

    const renamed = await core.keys.rename(alice, first.key.id, '  deploy bot  ')
    expect(renamed).toEqual({
      ...first.key,
      name: 'deploy bot',
      total_uses: 1,
      last_used_at: renamed.last_used_at
    })
    expect(renamed.last_used_at).not.toBeNull()
    const { api_keys } = await core.keys.list(alice)
    expect(api_keys.map((k) => [k.id, k.name])).toEqual([
      [first.key.id, 'deploy bot'],
      [second.key.id, 'other']
    ])
    expect((await core.keys.verify(first.api_key))?.key.name).toBe('deploy bot')
  })

  it("refuses another user's key as not found, unless a superuser renames across users", async () => {
    const key = await core.keys.create(alice, { name: 'mine' })
    await expect(core.keys.rename(bob, key.key.id, 'stolen')).rejects.toBeInstanceOf(NotFound)
    await expect(core.keys.rename(bob, key.key.id, 'x', { acrossUsers: true })).rejects.toBeInstanceOf(
      Forbidden
    )
    await expect(core.keys.rename(admin, key.key.id, 'x')).rejects.toBeInstanceOf(NotFound)
    expect((await core.keys.rename(admin, key.key.id, 'by admin', { acrossUsers: true })).name).toBe(
      'by admin'
    )
    await expect(core.keys.rename(alice, '6f1c7a52-0000-4000-8000-000000000000', 'x')).rejects.toThrow(
      'API Key not found'
    )
  })

  it('checks the name as at creation: not empty, not too long; a refused name changes nothing', async () => {
    const key = await core.keys.create(alice, { name: 'keep me' })
    await expect(core.keys.rename(alice, key.key.id, '   ')).rejects.toBeInstanceOf(BadRequest)
    await expect(core.keys.rename(alice, key.key.id, 'x'.repeat(256))).rejects.toThrow(/too long/)
    expect((await core.keys.find(alice, key.key.id))[0]?.name).toBe('keep me')
  })
})
