import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import {
  bearer,
  get,
  key,
  startTestServer,
  token,
  userWithKey,
  type TestServer
} from '../fixtures/server/harness'
import { tempDir } from '../helpers/tmp'
import { send as raw } from './http'

// Contract §1: who the caller is, row by row, over real HTTP.

const root = tempDir('flowkeys-routes-auth-')

const NO_KEY = 'An API key must be passed as query or header'
const AUTO_LOGIN_NEEDS_KEY =
  'Since v1.5, LANGFLOW_AUTO_LOGIN requires a valid API key. Set LANGFLOW_SKIP_AUTH_AUTO_LOGIN=true to skip this check. Please update your authentication method.'
const INVALID_KEY = 'Invalid or missing API key'

/** For one describe block: a key server with AUTO_LOGIN off, the superuser's API key and the whoami URL. */
function serverWithAdminKey(): { server: TestServer; adminKey: string; whoami: string } {
  const fx = {} as { server: TestServer; adminKey: string; whoami: string }
  beforeAll(async () => {
    fx.server = await startTestServer(root, { LANGFLOW_AUTO_LOGIN: 'false' })
    fx.adminKey = (await fx.server.core.keys.create(fx.server.admin, { name: 'admin key' })).api_key
    fx.whoami = `${fx.server.url}/api/v1/users/whoami`
  })
  afterAll(() => fx.server.close())
  return fx
}

describe('§1 API key path with LANGFLOW_AUTO_LOGIN=false', () => {
  const fx = serverWithAdminKey()

  it('no key → 403 "An API key must be passed as query or header"', async () => {
    const res = await get(fx.whoami)
    expect(res.status).toBe(403)
    expect(res.json()).toEqual({ detail: NO_KEY })
  })

  it('an empty key, in the header or the query, counts as absent', async () => {
    for (const res of [await get(fx.whoami, key('')), await get(`${fx.whoami}?x-api-key=`)]) {
      expect(res.status).toBe(403)
      expect(res.json()).toEqual({ detail: NO_KEY })
    }
  })

  it('a valid key in the header (any case of the name) or the query → the key owner', async () => {
    for (const res of [
      await get(fx.whoami, key(fx.adminKey)),
      await get(fx.whoami, { 'X-API-KEY': fx.adminKey }),
      await get(fx.whoami, { 'X-Api-Key': fx.adminKey }),
      await get(`${fx.whoami}?x-api-key=${encodeURIComponent(fx.adminKey)}`)
    ]) {
      expect(res.status).toBe(200)
      expect(res.json()).toMatchObject({ id: fx.server.admin.id, username: 'langflow', is_superuser: true })
    }
  })

  it('unknown, revoked, inactive and expired keys → 403 "Invalid or missing API key"', async () => {
    const revoked = await fx.server.core.keys.create(fx.server.admin, { name: 'revoked' })
    await fx.server.core.keys.revoke(fx.server.admin, revoked.key.id)
    const inactive = await fx.server.core.keys.create(fx.server.admin, { name: 'inactive' })
    const expired = await fx.server.core.keys.create(fx.server.admin, { name: 'expired' })
    // The store has no operation to edit a key: rewrite its data in one transaction.
    await fx.server.core.store.transaction(async (tx) => {
      const data = await tx.exportAll()
      for (const k of data.api_keys) {
        if (k.id === inactive.key.id) k.is_active = false
        if (k.id === expired.key.id) k.expires_at = '2001-01-01T00:00:00.000Z'
      }
      await tx.replaceAll(data)
    })
    const unknown = 'sk-' + 'A'.repeat(43)
    for (const bad of [unknown, 'not-a-key', revoked.api_key, inactive.api_key, expired.api_key]) {
      const res = await get(fx.whoami, key(bad))
      expect(res.status, bad.slice(0, 8)).toBe(403)
      expect(res.json()).toEqual({ detail: INVALID_KEY })
      expect(res.headers['www-authenticate']).toBeUndefined()
    }
  })

  it('a valid key of an inactive user → 403 like an unknown key (FlowKeys: the account is not confirmed)', async () => {
    const sleeper = await userWithKey(fx.server, 'sleeper', { is_active: false })
    const res = await get(fx.whoami, key(sleeper.apiKey))
    expect(res.status).toBe(403)
    expect(res.json()).toEqual({ detail: INVALID_KEY })
  })

  it('the query key wins over the header key, both ways', async () => {
    const queryGood = await get(`${fx.whoami}?x-api-key=${fx.adminKey}`, key('sk-' + 'B'.repeat(43)))
    expect(queryGood.status).toBe(200)
    const queryBad = await get(`${fx.whoami}?x-api-key=${'sk-' + 'C'.repeat(43)}`, key(fx.adminKey))
    expect(queryBad.status).toBe(403)
    expect(queryBad.json()).toEqual({ detail: INVALID_KEY })
    // An empty query value is absent: the header is used.
    const emptyQuery = await get(`${fx.whoami}?x-api-key=`, key(fx.adminKey))
    expect(emptyQuery.status).toBe(200)
  })

  it('a repeated x-api-key header: the first one counts, as Starlette reads it', async () => {
    /** The status of GET fx.whoami sent with these x-api-key headers, in this order and spelling. */
    const statusWith = (headers: string[]): Promise<number> =>
      new Promise((resolve, reject) => {
        const url = new URL(fx.server.url)
        const socket = connect(Number(url.port), url.hostname)
        let reply = ''
        socket.setEncoding('utf8')
        socket.on('data', (chunk: string) => (reply += chunk))
        socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1])))
        socket.on('error', reject)
        socket.write(
          `GET /api/v1/users/whoami HTTP/1.1\r\nHost: ${url.host}\r\n${headers.join('\r\n')}\r\nConnection: close\r\n\r\n`
        )
      })
    const other = 'sk-' + 'D'.repeat(43)
    expect(await statusWith([`X-Api-Key: ${fx.adminKey}`, `x-api-key: ${other}`])).toBe(200)
    expect(await statusWith([`x-api-key: ${other}`, `X-API-KEY: ${fx.adminKey}`])).toBe(403)
    expect(await statusWith([`x-api-key: ${fx.adminKey}`])).toBe(200)
  })

  it('a superuser-only endpoint refuses a regular user with 403 "The user doesn\'t have enough privileges"', async () => {
    const regular = await userWithKey(fx.server, 'regular')
    for (const res of [
      await get(`${fx.server.url}/api/v1/users/`, key(regular.apiKey)),
      await send(`${fx.server.url}/api/v1/users/${fx.server.admin.id}`, 'DELETE', key(regular.apiKey))
    ]) {
      expect(res.status).toBe(403)
      expect(res.json()).toEqual({ detail: "The user doesn't have enough privileges" })
    }
    // The same user may use the endpoints open to any user.
    expect((await get(fx.whoami, key(regular.apiKey))).json()).toMatchObject({ username: 'regular' })
  })

  it('authentication comes before validation: no key and a malformed id → 403, not 422', async () => {
    const res = await send(`${fx.server.url}/api/v1/api_key/not-a-uuid`, 'DELETE')
    expect(res.status).toBe(403)
    expect(res.json()).toEqual({ detail: NO_KEY })
  })

  it('a valid key counts a use: total_uses +1 and last_used_at set', async () => {
    const counted = await fx.server.core.keys.create(fx.server.admin, { name: 'counted' })
    const before = Date.now()
    for (let i = 0; i < 3; i++) expect((await get(fx.whoami, key(counted.api_key))).status).toBe(200)
    await fx.server.core.keys.flushUsage()
    const stored = await fx.server.core.store.keyById(counted.key.id)
    expect(stored?.total_uses).toBe(3)
    expect(Date.parse(stored?.last_used_at ?? '')).toBeGreaterThanOrEqual(before - 1000)
  })
})

describe('§1 with LANGFLOW_AUTO_LOGIN=true (the default)', () => {
  let server: TestServer
  let skipping: TestServer

  beforeAll(async () => {
    server = await startTestServer(root, {})
    skipping = await startTestServer(root, { LANGFLOW_SKIP_AUTH_AUTO_LOGIN: 'true' })
  })
  afterAll(async () => {
    await server.close()
    await skipping.close()
  })

  it('no key, SKIP_AUTH_AUTO_LOGIN not true → 403 with the v1.5 message', async () => {
    const res = await get(`${server.url}/api/v1/users/whoami`)
    expect(res.status).toBe(403)
    expect(res.json()).toEqual({ detail: AUTO_LOGIN_NEEDS_KEY })
  })

  it('a wrong key is still refused with SKIP_AUTH_AUTO_LOGIN=true', async () => {
    const res = await get(`${skipping.url}/api/v1/users/whoami`, key('sk-' + 'D'.repeat(43)))
    expect(res.status).toBe(403)
    expect(res.json()).toEqual({ detail: INVALID_KEY })
  })

  it('no key, SKIP_AUTH_AUTO_LOGIN=true → the superuser, with a deprecation warning', async () => {
    const res = await get(`${skipping.url}/api/v1/users/whoami`)
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({ id: skipping.admin.id, username: 'langflow', is_superuser: true })
    expect(skipping.warnings.some((w) => /SKIP_AUTH_AUTO_LOGIN/.test(w))).toBe(true)
    // The superuser's endpoints too.
    expect((await get(`${skipping.url}/api/v1/users/`)).status).toBe(200)
  })
})

describe('§1 token path', () => {
  const fx = serverWithAdminKey()

  async function expectBearer401(res: Awaited<ReturnType<typeof get>>, detail: string) {
    expect(res.status).toBe(401)
    expect(res.json()).toEqual({ detail })
    expect(res.headers['www-authenticate']).toBe('Bearer')
  }

  it('a valid access token as Bearer (any case of the scheme) or in the access_token_lf cookie', async () => {
    const access = await token(fx.server.core, fx.server.admin.id)
    for (const headers of [
      bearer(access),
      { authorization: `bearer ${access}` },
      { cookie: `access_token_lf=${access}` }
    ]) {
      const res = await get(fx.whoami, headers)
      expect(res.status).toBe(200)
      expect(res.json()).toMatchObject({ id: fx.server.admin.id })
    }
  })

  it('an expired token → 401 "Token has expired." with WWW-Authenticate: Bearer', async () => {
    await expectBearer401(
      await get(fx.whoami, bearer(await token(fx.server.core, fx.server.admin.id, 'access', -60))),
      'Token has expired.'
    )
  })

  it('a forged or garbled token → 401 "Could not validate credentials"', async () => {
    const forged = await new SignJWT({ type: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(fx.server.admin.id)
      .setExpirationTime('10m')
      .sign(new Uint8Array(32).fill(7))
    for (const bad of [forged, 'garbage', 'eyJhbGciOiJIUzI1NiJ9.e30.x']) {
      await expectBearer401(await get(fx.whoami, bearer(bad)), 'Could not validate credentials')
    }
  })

  it('a refresh token used as an access token → 401 "Invalid token type. Expected access token."', async () => {
    const refresh = await token(fx.server.core, fx.server.admin.id, 'refresh')
    await expectBearer401(await get(fx.whoami, bearer(refresh)), 'Invalid token type. Expected access token.')
  })

  it('a token of an inactive or deleted user → 401 "User not found or is inactive."', async () => {
    const sleeper = await userWithKey(fx.server, 'token-sleeper', { is_active: false })
    await expectBearer401(
      await get(fx.whoami, bearer(await token(fx.server.core, sleeper.id))),
      'User not found or is inactive.'
    )
    await expectBearer401(
      await get(fx.whoami, bearer(await token(fx.server.core, '00000000-0000-4000-8000-000000000000'))),
      'User not found or is inactive.'
    )
  })

  it('when a Bearer token is present only it is checked: a valid key does not rescue a bad token', async () => {
    await expectBearer401(
      await get(fx.whoami, { ...bearer('garbage'), ...key(fx.adminKey) }),
      'Could not validate credentials'
    )
    await expectBearer401(
      await get(`${fx.whoami}?x-api-key=${fx.adminKey}`, bearer('garbage')),
      'Could not validate credentials'
    )
    // …and a good token needs no key: a wrong key beside it is not looked at.
    const access = await token(fx.server.core, fx.server.admin.id)
    const res = await get(fx.whoami, { ...bearer(access), ...key('sk-' + 'E'.repeat(43)) })
    expect(res.status).toBe(200)
  })

  it('the Bearer header wins over the cookie; without Bearer, the cookie wins over a key', async () => {
    const access = await token(fx.server.core, fx.server.admin.id)
    const good = await get(fx.whoami, { ...bearer(access), cookie: 'access_token_lf=garbage' })
    expect(good.status).toBe(200)
    await expectBearer401(
      await get(fx.whoami, { cookie: 'access_token_lf=garbage', ...key(fx.adminKey) }),
      'Could not validate credentials'
    )
    // Another scheme (Basic) is not a token: the cookie or the key path decide.
    const basic = await get(fx.whoami, { authorization: 'Basic dXNlcjpwYXNz', ...key(fx.adminKey) })
    expect(basic.status).toBe(200)
  })
})

function send(url: string, method: string, headers: Record<string, string> = {}) {
  return raw(url, { method, headers })
}
