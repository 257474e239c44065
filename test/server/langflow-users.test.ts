import { describe, expect, it } from 'vitest'
import { get, key, postForm, serverFor, userWithKey } from '../fixtures/server/harness'
import { tempDir } from '../helpers/tmp'
import { sendJson } from './http'

// Users and login as Langflow answers them (issue "Users and login exactly as Langflow"), each case naming the
// Langflow file and function it comes from (src/backend/base/langflow/...).

let admin = ''
const current = serverFor(
  tempDir('flowkeys-langflow-users-'),
  { LANGFLOW_AUTO_LOGIN: 'false' },
  async (server) => {
    admin = (await server.core.keys.create(server.admin, { name: 'admin' })).api_key
  }
)

const login = (username: string, password: string) =>
  postForm(`${current().url}/api/v1/login`, { username, password })
const patch = (id: string, body: unknown, apiKey: string) =>
  sendJson(`${current().url}/api/v1/users/${id}`, 'PATCH', body, key(apiKey))

describe('services/auth/utils.py authenticate_user', () => {
  it('an account never logged in and not yet activated: 400 "Waiting for approval"', async () => {
    const server = current()
    await userWithKey(server, 'newcomer', { is_active: false, password: 'newcomer-pw' })
    const res = await login('newcomer', 'newcomer-pw')
    expect(res.status).toBe(400)
    expect(res.json()).toEqual({ detail: 'Waiting for approval' })
  })

  it('an account deactivated after it logged in: 401 "Inactive user"', async () => {
    const server = current()
    const user = await userWithKey(server, 'former', { password: 'former-pw' })
    expect((await login('former', 'former-pw')).status).toBe(200)
    expect((await patch(user.id, { is_active: false }, admin)).status).toBe(200)
    const res = await login('former', 'former-pw')
    expect(res.status).toBe(401)
    expect(res.json()).toEqual({ detail: 'Inactive user' })
  })

  it('FlowKeys checks the password first (SECURITY.md): a wrong one says nothing of the account', async () => {
    const res = await login('newcomer', 'wrong')
    expect(res.status).toBe(401)
    expect(res.json()).toEqual({ detail: 'Incorrect username or password' })
  })
})

describe('api/v1/users.py patch_user', () => {
  it('a regular user changing its own password here: 400 "You can\'t change your password here"', async () => {
    const server = current()
    const user = await userWithKey(server, 'regular', { password: 'regular-pw' })
    const res = await patch(user.id, { password: 'another-pw' }, user.apiKey)
    expect(res.status).toBe(400)
    expect(res.json()).toEqual({ detail: "You can't change your password here" })
    expect((await login('regular', 'regular-pw')).status).toBe(200)
    // A superuser may set it (Langflow hashes it and saves it).
    expect((await patch(user.id, { password: 'set-by-admin' }, admin)).status).toBe(200)
    expect((await login('regular', 'set-by-admin')).status).toBe(200)
  })

  it('deactivating one\'s own account, superuser or not: 403 "You can\'t deactivate your own user account"', async () => {
    const server = current()
    const user = await userWithKey(server, 'selfish')
    for (const [id, apiKey] of [
      [user.id, user.apiKey],
      [server.admin.id, admin]
    ] as const) {
      const res = await patch(id, { is_active: false }, apiKey)
      expect(res.status).toBe(403)
      expect(res.json()).toEqual({ detail: "You can't deactivate your own user account" })
    }
    expect(server.core.users.findRecord(user.id)?.is_active).toBe(true)
  })
})

describe('api/v1/users.py read_all_users', () => {
  it('?search= keeps the usernames that contain it, any case, and counts only those', async () => {
    const server = current()
    await userWithKey(server, 'Alice-search')
    await userWithKey(server, 'malice-search')
    await userWithKey(server, 'bob-search')
    const res = await get(`${server.url}/api/v1/users/?search=ALICE&limit=50`, key(admin))
    expect(res.status).toBe(200)
    const body = res.json() as { total_count: number; users: { username: string }[] }
    expect(body.users.map((u) => u.username).sort()).toEqual(['Alice-search', 'malice-search'])
    expect(body.total_count).toBe(2)
  })
})
