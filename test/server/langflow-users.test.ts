import { describe, expect, it } from 'vitest'
import {
  bearer,
  cookieNamed,
  get,
  key,
  post,
  postForm,
  serverFor,
  userWithKey
} from '../fixtures/server/harness'
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
    expect((await server.core.users.findRecord(user.id))?.is_active).toBe(true)
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

describe('the apikey_tkn_lflw cookie (api/v1/login.py login_to_get_access_token, api_key.py save_store_api_key, logout)', () => {
  const storeKeyCookie = (res: Parameters<typeof cookieNamed>[0]) => cookieNamed(res, 'apikey_tkn_lflw')

  it('login sets it: "None" without a store key, then the sealed key once one is saved', async () => {
    const server = current()
    const user = await userWithKey(server, 'storer', { password: 'storer-pw' })
    const first = await login('storer', 'storer-pw')
    expect(first.status).toBe(200)
    const none = storeKeyCookie(first)
    expect(none).toMatch(/^apikey_tkn_lflw=None;/)
    // A session cookie (no Max-Age or Expires), HttpOnly as FlowKeys' other cookies.
    expect(none).not.toMatch(/Max-Age|Expires/i)
    expect(none).toMatch(/HttpOnly/i)

    const saved = await post(
      `${server.url}/api/v1/api_key/store`,
      { api_key: 'store-secret-123456' },
      key(user.apiKey)
    )
    expect(saved.status).toBe(200)
    expect(saved.json()).toEqual({ detail: 'API Key saved' })
    const sealed = decodeURIComponent(/^apikey_tkn_lflw=([^;]*)/.exec(storeKeyCookie(saved) ?? '')?.[1] ?? '')
    // The sealed value the store holds, never the key itself.
    expect(sealed).toBe((await server.core.users.findRecord(user.id))?.store_api_key)
    expect(sealed).not.toContain('store-secret')
    expect(server.core.vault.decrypt(sealed)).toBe('store-secret-123456')

    const again = await login('storer', 'storer-pw')
    expect(storeKeyCookie(again)).toBe(`apikey_tkn_lflw=${sealed}; Path=/; HttpOnly; SameSite=Lax`)
  })

  it('logout clears it', async () => {
    const tokens = (await login('storer', 'storer-pw')).json() as { access_token: string }
    const res = await post(`${current().url}/api/v1/logout`, undefined, bearer(tokens.access_token))
    expect(res.status).toBe(200)
    expect(storeKeyCookie(res)).toMatch(/^apikey_tkn_lflw=;.*Expires=Thu, 01 Jan 1970/)
  })

  it('a failed login sets no cookie', async () => {
    const res = await login('storer', 'wrong-password')
    expect(res.status).toBe(401)
    expect(storeKeyCookie(res)).toBeUndefined()
  })
})

describe("with LANGFLOW_AUTO_LOGIN=true (Langflow's default)", () => {
  const auto = serverFor(tempDir('flowkeys-langflow-users-auto-'), { LANGFLOW_AUTO_LOGIN: 'true' })

  it('api/v1/users.py add_user: an anonymous sign-up gets 403 "Public user registration is disabled."', async () => {
    const res = await post(`${auto().url}/api/v1/users/`, { username: 'walk-in', password: 'walk-in-pw' })
    expect(res.status).toBe(403)
    expect(res.json()).toEqual({ detail: 'Public user registration is disabled.' })
    expect(await auto().core.users.findByUsername('walk-in')).toBeUndefined()
  })

  it('api/v1/login.py auto_login: answered as with auto-login off unless FLOWKEYS_HTTP_AUTO_LOGIN (SECURITY.md)', async () => {
    const res = await get(`${auto().url}/api/v1/auto_login`)
    expect(res.status).toBe(400)
    expect(res.json()).toEqual({
      detail: { message: 'Auto login is disabled. Please enable it in the settings', auto_login: false }
    })
    expect(cookieNamed(res, 'access_token_lf')).toBeUndefined()
  })
})

describe("422 items (FastAPI's RequestValidationError) without pydantic's `input` (a deliberate difference)", () => {
  it('a password of the wrong type is refused field by field, and the answer never echoes it', async () => {
    const res = await post(`${current().url}/api/v1/users/`, {
      username: 'typed',
      password: ['hunter2-in-a-list']
    })
    expect(res.status).toBe(422)
    const body = res.json() as { detail: Record<string, unknown>[] }
    expect(body.detail).toEqual([
      { type: 'string_type', loc: ['body', 'password'], msg: 'Input should be a valid string' }
    ])
    expect(body.detail[0]).not.toHaveProperty('input')
    expect(res.text).not.toContain('hunter2')
  })
})
