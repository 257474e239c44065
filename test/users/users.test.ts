import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { BadRequest, Forbidden, NotFound, Unauthorized } from '../../src/main/base/errors'
import type { Core } from '../../src/main/core/open'
import type { Actor } from '../../src/main/users/actor'
import { hashPassword, verifyPassword } from '../../src/main/users/password'
import { testCore, itOnFile } from '../helpers/core'
import { USER_READ_FIELDS } from '../helpers/contract'

describe('passwords', () => {
  it('are scrypt hashes with a random salt, verified only by the right password', async () => {
    const a = await hashPassword('correct horse')
    const b = await hashPassword('correct horse')
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/)
    expect(a).not.toBe(b)
    expect(a).not.toContain('correct horse')
    expect(await verifyPassword('correct horse', a)).toBe(true)
    expect(await verifyPassword('correct horsE', a)).toBe(false)
    expect(await verifyPassword('x', 'plain:text')).toBe(false)
  })
})

describe('users', () => {
  let core: Core
  let admin: Actor

  beforeAll(async () => {
    core = await testCore({ LANGFLOW_SUPERUSER: 'root', LANGFLOW_SUPERUSER_PASSWORD: 'root-password' })
    admin = core.superuser()
  })

  itOnFile('creates the configured superuser on first start, active, with its password hashed', async () => {
    const root = await core.users.findByUsername('root')
    expect(root).toMatchObject({ is_superuser: true, is_active: true })
    expect(await verifyPassword('root-password', root?.password_hash ?? '')).toBe(true)
    expect(readFileSync(core.store.location.where, 'utf8')).not.toContain('root-password')
  })

  it('sign-up makes an inactive regular user; a superuser may make active ones and superusers', async () => {
    const open = await testCore({ LANGFLOW_AUTO_LOGIN: 'false' })
    const signedUp = await open.users.create(null, {
      username: 'newcomer',
      password: 'pw-1',
      is_superuser: true
    })
    expect(signedUp).toMatchObject({ is_active: false, is_superuser: false })
    const made = await core.users.create(admin, { username: 'made', password: 'pw-2', is_superuser: true })
    expect(made).toMatchObject({ is_active: true, is_superuser: true })
    expect(Object.keys(made).sort()).toEqual([...USER_READ_FIELDS].sort())
  })

  it('refuses a taken username', async () => {
    await core.users.create(admin, { username: 'taken', password: 'pw' })
    await expect(core.users.create(admin, { username: 'taken', password: 'pw' })).rejects.toThrow(
      'This username is unavailable.'
    )
  })

  it('a regular user cannot manage users, nor change its password but through reset-password', async () => {
    const u = await core.users.create(admin, { username: 'regular', password: 'pw-regular' })
    const other = await core.users.create(admin, { username: 'other', password: 'pw-other' })
    const regular: Actor = { id: u.id, is_superuser: false }
    await expect(core.users.list(regular)).rejects.toThrow(
      new Forbidden("The user doesn't have enough privileges")
    )
    await expect(core.users.delete(regular, other.id)).rejects.toBeInstanceOf(Forbidden)
    await expect(core.users.update(regular, other.id, { password: 'hijack' })).rejects.toThrow(
      'Permission denied'
    )
    await expect(core.users.update(regular, u.id, { is_superuser: true })).rejects.toThrow(
      'Permission denied'
    )
    await expect(core.users.update(regular, u.id, { password: 'pw-new' })).rejects.toThrow(
      "You can't change your password here"
    )
    await core.users.resetPassword(regular, u.id, 'pw-new', 'pw-regular')
    await expect(core.users.checkCredentials('regular', 'pw-regular')).rejects.toBeInstanceOf(Unauthorized)
    expect((await core.users.checkCredentials('regular', 'pw-new')).id).toBe(u.id)
  })

  it("reset-password: only one's own, to a new password, checking the current one when given", async () => {
    const u = await core.users.create(admin, { username: 'resetter', password: 'pw-one' })
    const self: Actor = { id: u.id, is_superuser: false }
    await expect(core.users.resetPassword(admin, u.id, 'pw-two')).rejects.toThrow(
      new BadRequest("You can't change another user's password")
    )
    await expect(core.users.resetPassword(self, u.id, 'pw-one')).rejects.toThrow(
      new BadRequest("You can't use your current password")
    )
    await expect(core.users.resetPassword(self, u.id, 'pw-two', 'wrong')).rejects.toThrow(
      new BadRequest('Current password is incorrect')
    )
    await expect(core.users.resetPassword(self, u.id, '')).rejects.toBeInstanceOf(BadRequest)
    expect((await core.users.resetPassword(self, u.id, 'pw-two', 'pw-one')).id).toBe(u.id)
    expect((await core.users.checkCredentials('resetter', 'pw-two')).id).toBe(u.id)
    await core.users.resetPassword(self, u.id, 'pw-three')
    await expect(core.users.checkCredentials('resetter', 'pw-two')).rejects.toBeInstanceOf(Unauthorized)
    expect((await core.users.checkCredentials('resetter', 'pw-three')).id).toBe(u.id)
  })

  it('superusers activate, promote, demote and deactivate', async () => {
    const u = await core.users.create(admin, { username: 'flip', password: 'pw' })
    expect((await core.users.update(admin, u.id, { is_superuser: true })).is_superuser).toBe(true)
    expect((await core.users.update(admin, u.id, { is_superuser: false })).is_superuser).toBe(false)
    await core.users.checkCredentials('flip', 'pw') // logged in once: no longer "waiting for approval"
    expect((await core.users.update(admin, u.id, { is_active: false })).is_active).toBe(false)
    await expect(core.users.checkCredentials('flip', 'pw')).rejects.toThrow('Inactive user')
    await expect(
      core.users.update(admin, '00000000-0000-4000-8000-000000000000', { is_active: true })
    ).rejects.toThrow(new NotFound('User not found'))
  })

  it('login: wrong password and unknown user get the same answer', async () => {
    await expect(core.users.checkCredentials('root', 'nope')).rejects.toThrow(
      'Incorrect username or password'
    )
    await expect(core.users.checkCredentials('ghost', 'nope')).rejects.toThrow(
      'Incorrect username or password'
    )
    const user = await core.users.checkCredentials('root', 'root-password')
    expect(user.last_login_at).not.toBeNull()
  })

  itOnFile('deleting a user deletes its keys and variables; nobody deletes themselves', async () => {
    const u = await core.users.create(admin, { username: 'leaving', password: 'pw' })
    const key = await core.keys.create(admin, { name: 'theirs' }, u.id)
    await core.store.insertVariables([
      {
        id: 'var-of-leaving',
        user_id: u.id,
        name: 'X',
        type: 'Generic',
        value: core.vault.encrypt('x'),
        default_fields: [],
        source: 'app',
        created_at: '',
        updated_at: ''
      }
    ])
    await expect(core.users.delete(admin, admin.id)).rejects.toThrow(
      new BadRequest("You can't delete your own user account")
    )
    await core.users.delete(admin, u.id)
    expect(await core.users.findRecord(u.id)).toBeUndefined()
    const data = await core.store.exportAll()
    expect(data.api_keys.some((k) => k.user_id === u.id)).toBe(false)
    expect(data.variables.some((v) => v.user_id === u.id)).toBe(false)
    expect(await core.keys.verify(key.api_key)).toBeNull()
    await expect(core.users.delete(admin, u.id)).rejects.toThrow('User not found')
  })

  itOnFile('keeps the component-store key sealed and shows it masked', async () => {
    await core.users.setStoreApiKey(admin.id, 'store-key-1234567890')
    const stored = (await core.users.findRecord(admin.id))?.store_api_key ?? ''
    expect(stored).toMatch(/^gAAAAA/)
    expect((await core.users.get(admin.id)).store_api_key).toBe('stor' + '*'.repeat(16))
    expect(readFileSync(core.store.location.where, 'utf8')).not.toContain('store-key-1234567890')
  })
})

describe('the configured superuser', () => {
  it('cannot be demoted, deactivated, renamed or deleted (it would come back at the next start)', async () => {
    const core = await testCore()
    const admin = core.superuser()
    const other = await core.users.create(admin, {
      username: 'second-admin',
      password: 'pw',
      is_superuser: true
    })
    const actor = { id: other.id, is_superuser: true }
    for (const patch of [{ is_superuser: false }, { is_active: false }, { username: 'renamed' }]) {
      await expect(core.users.update(actor, admin.id, patch)).rejects.toThrow(/configured superuser/)
    }
    await expect(core.users.delete(actor, admin.id)).rejects.toThrow(/configured superuser/)
    expect(await core.users.get(admin.id)).toMatchObject({
      username: 'langflow',
      is_superuser: true,
      is_active: true
    })
    // Its password and profile can still change.
    await core.users.update(actor, admin.id, { password: 'new-password' })
    expect((await core.users.checkCredentials('langflow', 'new-password')).id).toBe(admin.id)
  })
})
