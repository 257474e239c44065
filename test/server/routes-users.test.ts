import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bearer,
  get,
  key,
  post,
  postForm,
  startTestServer,
  token,
  USER_READ_FIELDS,
  userWithKey,
  type TestServer
} from '../fixtures/server/harness'
import { tempDir } from '../helpers/tmp'
import { send, sendJson } from './http'

// Contract §4: /api/v1/users/… and the health endpoints.

const root = tempDir('flowkeys-routes-users-')

interface UserRead {
  id: string
  username: string
  is_active: boolean
  is_superuser: boolean
  store_api_key: string | null
}

describe('§4 users', () => {
  let server: TestServer
  let adminKey: string
  let users: string
  let regular: Awaited<ReturnType<typeof userWithKey>>

  const patch = (id: string, body: unknown, headers: Record<string, string>) =>
    sendJson(`${users}${id}`, 'PATCH', body, headers)
  const remove = (id: string, headers: Record<string, string>) =>
    send(`${users}${id}`, { method: 'DELETE', headers })

  beforeAll(async () => {
    server = await startTestServer(root, { LANGFLOW_AUTO_LOGIN: 'false' })
    adminKey = (await server.core.keys.create(server.admin, { name: 'admin key' })).api_key
    regular = await userWithKey(server, 'regular')
    users = `${server.url}/api/v1/users/`
  })
  afterAll(() => server.close())

  it('whoami → 200 UserRead of the caller, exactly Langflow’s fields, no password hash', async () => {
    const res = await get(`${users}whoami`, key(regular.apiKey))
    expect(res.status).toBe(200)
    const body = res.json() as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(USER_READ_FIELDS)
    expect(body).toMatchObject({
      id: regular.id,
      username: 'regular',
      is_active: true,
      is_superuser: false,
      profile_image: null,
      store_api_key: null
    })
    expect(res.text).not.toMatch(/scrypt|password/)
  })

  it('GET /users/ (superuser) → {total_count, users}, paged by skip and limit', async () => {
    const all = (await get(users, key(adminKey))).json() as { total_count: number; users: UserRead[] }
    expect(all.total_count).toBe((await server.core.store.listUsers()).total)
    expect(all.users.map((u) => u.username)).toContain('langflow')
    expect(Object.keys(all.users[0] ?? {}).sort()).toEqual(USER_READ_FIELDS)
    const page = (await get(`${users}?skip=1&limit=1`, key(adminKey))).json() as typeof all
    expect(page.total_count).toBe(all.total_count)
    expect(page.users).toHaveLength(1)
    expect(page.users[0]?.id).toBe(all.users[1]?.id)
  })

  it('GET /users/ with a non-integer limit → 422 int_parsing', async () => {
    const res = await get(`${users}?limit=ten`, key(adminKey))
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({
      detail: [
        {
          type: 'int_parsing',
          loc: ['query', 'limit'],
          msg: 'Input should be a valid integer, unable to parse string as an integer'
        }
      ]
    })
  })

  it('POST /users/ without credentials signs up: 201, inactive, never a superuser', async () => {
    const res = await post(users, { username: 'newcomer', password: 'pw-newcomer', is_superuser: true })
    expect(res.status).toBe(201)
    const body = res.json() as UserRead
    expect(Object.keys(body).sort()).toEqual(USER_READ_FIELDS)
    expect(body).toMatchObject({ username: 'newcomer', is_active: false, is_superuser: false })
    // Inactive until a superuser activates it.
    const login = await postForm(`${server.url}/api/v1/login`, {
      username: 'newcomer',
      password: 'pw-newcomer'
    })
    expect(login.status).toBe(400)
    expect(login.json()).toEqual({ detail: 'Waiting for approval' })
  })

  it('POST /users/ by a superuser (key or token) adds an active user, a superuser when asked', async () => {
    const byKey = await post(users, { username: 'added', password: 'pw' }, key(adminKey))
    expect(byKey.status).toBe(201)
    expect(byKey.json()).toMatchObject({ username: 'added', is_active: true, is_superuser: false })
    const access = await token(server.core, server.admin.id)
    const byToken = await post(
      users,
      { username: 'deputy', password: 'pw', is_superuser: true },
      bearer(access)
    )
    expect(byToken.status).toBe(201)
    expect(byToken.json()).toMatchObject({ username: 'deputy', is_active: true, is_superuser: true })
    // A regular user's request is a sign-up, whatever it asks for.
    const byRegular = await post(
      users,
      { username: 'wannabe', password: 'pw', is_superuser: true },
      key(regular.apiKey)
    )
    expect(byRegular.json()).toMatchObject({ is_active: false, is_superuser: false })
  })

  it('POST /users/ with a taken username → 400 "This username is unavailable."', async () => {
    const res = await post(users, { username: 'regular', password: 'pw' })
    expect(res.status).toBe(400)
    expect(res.json()).toEqual({ detail: 'This username is unavailable.' })
  })

  it('POST /users/ without a password → 422; with a wrong credential → refused, not a sign-up', async () => {
    const res = await post(users, { username: 'half' })
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({
      detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required' }]
    })
    const wrong = await post(users, { username: 'imposter', password: 'pw' }, key('sk-' + 'Z'.repeat(43)))
    expect(wrong.status).toBe(403)
    expect(await server.core.users.findByUsername('imposter')).toBeUndefined()
  })

  it('PATCH by a superuser activates and promotes: 200 UserRead', async () => {
    const target = (await post(users, { username: 'pending', password: 'pw-pending' })).json() as UserRead
    const res = await patch(target.id, { is_active: true, is_superuser: true }, key(adminKey))
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({ id: target.id, is_active: true, is_superuser: true })
    const login = await postForm(`${server.url}/api/v1/login`, {
      username: 'pending',
      password: 'pw-pending'
    })
    expect(login.status).toBe(200)
  })

  it('PATCH: null fields are left alone; a regular user changes its own profile image, not its password', async () => {
    const res = await patch(
      regular.id,
      { profile_image: 'Space/042.svg', password: null, is_active: null },
      key(regular.apiKey)
    )
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({ profile_image: 'Space/042.svg', is_active: true })
    // Langflow's patch_user: passwords change through reset-password.
    const pw = await patch(regular.id, { password: 'regular-new-password' }, key(regular.apiKey))
    expect(pw.status).toBe(400)
    expect(pw.json()).toEqual({ detail: "You can't change your password here" })
  })

  it('PATCH by a regular user on someone else, or on its own privileges → 403 "Permission denied"', async () => {
    for (const res of [
      await patch(server.admin.id, { profile_image: 'x' }, key(regular.apiKey)),
      await patch(regular.id, { is_superuser: true }, key(regular.apiKey)),
      await patch(regular.id, { is_active: true }, key(regular.apiKey))
    ]) {
      expect(res.status).toBe(403)
      expect(res.json()).toEqual({ detail: 'Permission denied' })
    }
    // Langflow's patch_user checks this one first, for anyone.
    const selfOff = await patch(regular.id, { is_active: false }, key(regular.apiKey))
    expect(selfOff.status).toBe(403)
    expect(selfOff.json()).toEqual({ detail: "You can't deactivate your own user account" })
  })

  it('PATCH an unknown user → 404 "User not found"; a malformed id → 422', async () => {
    const res = await patch('3f2b9c1e-7d4a-4b7e-9a51-0c2d8e6f1a23', { is_active: true }, key(adminKey))
    expect(res.status).toBe(404)
    expect(res.json()).toEqual({ detail: 'User not found' })
    const malformed = await patch('42', { is_active: true }, key(adminKey))
    expect(malformed.status).toBe(422)
    expect((malformed.json() as { detail: { loc: unknown[] }[] }).detail[0]?.loc).toEqual(['path', 'user_id'])
  })

  it('PATCH …/reset-password: one’s own only, not to the same password', async () => {
    const self = await userWithKey(server, 'resetter', { password: 'pw-before' })
    const url = (id: string) => `${users}${id}/reset-password`
    const mine = await sendJson(url(self.id), 'PATCH', { password: 'pw-after' }, key(self.apiKey))
    expect(mine.status).toBe(200)
    expect(mine.json()).toMatchObject({ id: self.id, username: 'resetter' })
    const same = await sendJson(url(self.id), 'PATCH', { password: 'pw-after' }, key(self.apiKey))
    expect(same.status).toBe(400)
    expect(same.json()).toEqual({ detail: "You can't use your current password" })
    const theirs = await sendJson(url(self.id), 'PATCH', { password: 'hijack' }, key(adminKey))
    expect(theirs.status).toBe(400)
    expect(theirs.json()).toEqual({ detail: "You can't change another user's password" })
    expect(
      (await postForm(`${server.url}/api/v1/login`, { username: 'resetter', password: 'pw-after' })).status
    ).toBe(200)
  })

  it('DELETE by a superuser → 200 {"detail":"User deleted"}; the user’s keys go with it', async () => {
    const leaving = await userWithKey(server, 'leaving')
    expect((await get(`${users}whoami`, key(leaving.apiKey))).status).toBe(200)
    const res = await remove(leaving.id, key(adminKey))
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ detail: 'User deleted' })
    const after = await get(`${users}whoami`, key(leaving.apiKey))
    expect(after.status).toBe(403)
    expect(after.json()).toEqual({ detail: 'Invalid or missing API key' })
    const again = await remove(leaving.id, key(adminKey))
    expect(again.status).toBe(404)
    expect(again.json()).toEqual({ detail: 'User not found' })
  })

  it('DELETE of one’s own account → 400; by a regular user → 403 not enough privileges', async () => {
    const self = await remove(server.admin.id, key(adminKey))
    expect(self.status).toBe(400)
    expect(self.json()).toEqual({ detail: "You can't delete your own user account" })
    const byRegular = await remove(server.admin.id, key(regular.apiKey))
    expect(byRegular.status).toBe(403)
    expect(byRegular.json()).toEqual({ detail: "The user doesn't have enough privileges" })
  })
})

describe('§4 health', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(root, {})
  })
  afterAll(() => server.close())

  it('GET /health → {"status":"ok"}; GET /health_check → status, chat and db ok (the store is readable)', async () => {
    expect((await get(`${server.url}/health`)).json()).toEqual({ status: 'ok' })
    const check = await get(`${server.url}/health_check`)
    expect(check.status).toBe(200)
    expect(check.json()).toEqual({ status: 'ok', chat: 'ok', db: 'ok' })
  })
})
