import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bearer,
  cookieNamed,
  get,
  postForm,
  setCookies,
  startTestServer,
  token,
  userWithKey,
  type TestServer
} from '../fixtures/server/harness'
import { tempDir } from '../helpers/tmp'
import { send, sendJson, type RawResponse } from './http'

// Contract §4: login, auto_login, refresh, logout.

const root = tempDir('flowkeys-routes-login-')
const PASSWORD = 'correct horse battery'

interface Tokens {
  access_token: string
  refresh_token: string | null
  token_type: string
}

function cookieValue(res: RawResponse, name: string): string | undefined {
  return cookieNamed(res, name)
    ?.split(';')[0]
    ?.slice(name.length + 1)
}

describe('§4 login with LANGFLOW_AUTO_LOGIN=false', () => {
  let server: TestServer
  let login: string

  beforeAll(async () => {
    server = await startTestServer(root, {
      LANGFLOW_AUTO_LOGIN: 'false',
      LANGFLOW_SUPERUSER_PASSWORD: PASSWORD,
      LANGFLOW_ACCESS_TOKEN_EXPIRE_SECONDS: '1800',
      LANGFLOW_REFRESH_TOKEN_EXPIRE_SECONDS: '86400'
    })
    login = `${server.url}/api/v1/login`
  })
  afterAll(() => server.close())

  it('form username/password → 200 tokens and HttpOnly, SameSite=Lax cookies with the configured lifetimes', async () => {
    const res = await postForm(login, { username: 'langflow', password: PASSWORD })
    expect(res.status).toBe(200)
    const tokens = res.json() as Tokens
    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'refresh_token', 'token_type'])
    expect(tokens.token_type).toBe('bearer')
    expect(tokens.access_token.split('.')).toHaveLength(3)
    expect(tokens.refresh_token?.split('.')).toHaveLength(3)

    const access = cookieNamed(res, 'access_token_lf') ?? ''
    const refresh = cookieNamed(res, 'refresh_token_lf') ?? ''
    expect(cookieValue(res, 'access_token_lf')).toBe(tokens.access_token)
    expect(cookieValue(res, 'refresh_token_lf')).toBe(tokens.refresh_token)
    for (const cookie of [access, refresh]) {
      expect(cookie).toMatch(/; HttpOnly/i)
      expect(cookie).toMatch(/; SameSite=Lax/i)
      expect(cookie).toMatch(/; Path=\//)
      expect(cookie).not.toMatch(/; Secure/i)
    }
    expect(access).toMatch(/; Max-Age=1800/)
    expect(refresh).toMatch(/; Max-Age=86400/)

    // The access token works as a Bearer token and as the cookie; it records the login time.
    const whoami = await get(`${server.url}/api/v1/users/whoami`, bearer(tokens.access_token))
    expect(whoami.status).toBe(200)
    expect((whoami.json() as { last_login_at: string | null }).last_login_at).not.toBeNull()
    const viaCookie = await get(`${server.url}/api/v1/users/whoami`, {
      cookie: `access_token_lf=${tokens.access_token}`
    })
    expect(viaCookie.status).toBe(200)
  })

  it('a wrong password or an unknown user → 401 "Incorrect username or password" with WWW-Authenticate', async () => {
    for (const fields of [
      { username: 'langflow', password: 'wrong' },
      { username: 'nobody', password: PASSWORD }
    ]) {
      const res = await postForm(login, fields)
      expect(res.status).toBe(401)
      expect(res.json()).toEqual({ detail: 'Incorrect username or password' })
      expect(res.headers['www-authenticate']).toBe('Bearer')
      expect(setCookies(res)).toEqual([])
    }
  })

  it('an inactive user never logged in → 400 "Waiting for approval" (Langflow authenticate_user)', async () => {
    const sleeper = await userWithKey(server, 'sleeper', { is_active: false })
    const res = await postForm(login, { username: 'sleeper', password: sleeper.password })
    expect(res.status).toBe(400)
    expect(res.json()).toEqual({ detail: 'Waiting for approval' })
  })

  it('multipart/form-data works too (curl -F)', async () => {
    const boundary = '----flowkeys-test-boundary'
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="username"',
      '',
      'langflow',
      `--${boundary}`,
      'Content-Disposition: form-data; name="password"',
      '',
      PASSWORD,
      `--${boundary}--`,
      ''
    ].join('\r\n')
    const res = await send(login, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body
    })
    expect(res.status).toBe(200)
    expect((res.json() as Tokens).token_type).toBe('bearer')
  })

  it('missing fields, or a JSON body (a form is expected) → 422 naming both fields', async () => {
    const expected = {
      detail: [
        { type: 'missing', loc: ['body', 'username'], msg: 'Field required' },
        { type: 'missing', loc: ['body', 'password'], msg: 'Field required' }
      ]
    }
    for (const res of [
      await postForm(login, {}),
      await send(login, { method: 'POST' }),
      await sendJson(login, 'POST', { username: 'langflow', password: PASSWORD }),
      await sendJson(login, 'POST', '{broken')
    ]) {
      expect(res.status).toBe(422)
      expect(res.json()).toEqual(expected)
    }
    const onlyUser = await postForm(login, { username: 'langflow' })
    expect(onlyUser.json()).toEqual({ detail: [expected.detail[1]] })
  })

  it('auto_login is refused when AUTO_LOGIN is off: 400 with the structured detail', async () => {
    const res = await get(`${server.url}/api/v1/auto_login`)
    expect(res.status).toBe(400)
    expect(res.json()).toEqual({
      detail: { message: 'Auto login is disabled. Please enable it in the settings', auto_login: false }
    })
    expect(setCookies(res)).toEqual([])
  })

  it('refresh with the refresh_token_lf cookie → new tokens and cookies', async () => {
    const first = (await postForm(login, { username: 'langflow', password: PASSWORD })).json() as Tokens
    const res = await send(`${server.url}/api/v1/refresh`, {
      method: 'POST',
      headers: { cookie: `refresh_token_lf=${first.refresh_token}` }
    })
    expect(res.status).toBe(200)
    const tokens = res.json() as Tokens
    expect(tokens.token_type).toBe('bearer')
    expect(cookieValue(res, 'access_token_lf')).toBe(tokens.access_token)
    expect(cookieValue(res, 'refresh_token_lf')).toBe(tokens.refresh_token)
    expect((await get(`${server.url}/api/v1/users/whoami`, bearer(tokens.access_token))).status).toBe(200)
  })

  it('refresh without the cookie, with a bad one or with an access token → 401 "Invalid refresh token"', async () => {
    const access = await token(server.core, server.admin.id, 'access')
    const expired = await token(server.core, server.admin.id, 'refresh', -60)
    for (const headers of [
      {},
      { cookie: 'refresh_token_lf=garbage' },
      { cookie: `refresh_token_lf=${access}` },
      { cookie: `refresh_token_lf=${expired}` },
      // A refresh token in the header is not what refresh reads.
      bearer(await token(server.core, server.admin.id, 'refresh'))
    ]) {
      const res = await send(`${server.url}/api/v1/refresh`, { method: 'POST', headers })
      expect(res.status).toBe(401)
      expect(res.json()).toEqual({ detail: 'Invalid refresh token' })
      expect(res.headers['www-authenticate']).toBe('Bearer')
    }
  })

  it('logout → 200 {"message":"Logout successful"} and clears the cookies', async () => {
    const res = await send(`${server.url}/api/v1/logout`, { method: 'POST' })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ message: 'Logout successful' })
    for (const name of ['access_token_lf', 'refresh_token_lf']) {
      const cookie = cookieNamed(res, name) ?? ''
      expect(cookie).toMatch(new RegExp(`^${name}=;`))
      expect(cookie).toMatch(/Max-Age=0/)
      expect(cookie).toMatch(/Path=\//)
    }
  })

  it('wrong passwords count toward the failed-attempt limit: 429 with Retry-After after 20', async () => {
    const limited = await startTestServer(root, {
      LANGFLOW_AUTO_LOGIN: 'false',
      LANGFLOW_SUPERUSER_PASSWORD: PASSWORD
    })
    try {
      const url = `${limited.url}/api/v1/login`
      for (let i = 0; i < 20; i++) {
        expect((await postForm(url, { username: 'langflow', password: `guess-${i}` })).status).toBe(401)
      }
      const res = await postForm(url, { username: 'langflow', password: PASSWORD })
      expect(res.status).toBe(429)
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
    } finally {
      await limited.close()
    }
  })
})

describe('§4 auto_login with LANGFLOW_AUTO_LOGIN=true', () => {
  let server: TestServer
  let plain: TestServer

  beforeAll(async () => {
    // The operator's explicit opt-in: without it the key server hands out no auto-login token (SECURITY.md).
    server = await startTestServer(root, { FLOWKEYS_HTTP_AUTO_LOGIN: 'true' })
    plain = await startTestServer(root, {})
  })
  afterAll(async () => {
    await server.close()
    await plain.close()
  })

  it('without FLOWKEYS_HTTP_AUTO_LOGIN → 400 as Langflow with auto-login off, and no cookie', async () => {
    const res = await get(`${plain.url}/api/v1/auto_login`)
    expect(res.status).toBe(400)
    expect(res.json()).toEqual({
      detail: { message: 'Auto login is disabled. Please enable it in the settings', auto_login: false }
    })
    expect(cookieNamed(res, 'access_token_lf')).toBeUndefined()
  })

  it('with FLOWKEYS_HTTP_AUTO_LOGIN → 200 {access_token, refresh_token: null, token_type: "bearer"} for the superuser, and a session cookie', async () => {
    const res = await get(`${server.url}/api/v1/auto_login`)
    expect(res.status).toBe(200)
    const tokens = res.json() as Tokens
    expect(tokens).toEqual({ access_token: expect.any(String), refresh_token: null, token_type: 'bearer' })
    const cookie = cookieNamed(res, 'access_token_lf') ?? ''
    expect(cookieValue(res, 'access_token_lf')).toBe(tokens.access_token)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).not.toMatch(/Max-Age|Expires/i)
    expect(cookieNamed(res, 'refresh_token_lf')).toBeUndefined()
    const whoami = await get(`${server.url}/api/v1/users/whoami`, bearer(tokens.access_token))
    expect(whoami.json()).toMatchObject({ id: server.admin.id, is_superuser: true })
  })
})
