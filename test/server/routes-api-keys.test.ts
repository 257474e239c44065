import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STORE_FILE } from '../../src/main/store/data-file'
import {
  API_KEY_READ_FIELDS,
  get,
  key,
  KEY_PATTERN,
  post,
  startTestServer,
  token,
  userWithKey,
  type TestServer
} from '../fixtures/server/harness'
import { tempDir } from '../helpers/tmp'
import { send, sendJson } from './http'

// Contract §2: /api/v1/api_key/…, row by row.

const root = tempDir('flowkeys-routes-api-keys-')

describe('§2 API keys', () => {
  let server: TestServer
  let adminKey: string
  let base: string
  let other: Awaited<ReturnType<typeof userWithKey>>

  beforeAll(async () => {
    server = await startTestServer(root, { LANGFLOW_AUTO_LOGIN: 'false' })
    adminKey = (await server.core.keys.create(server.admin, { name: 'admin key' })).api_key
    other = await userWithKey(server, 'other')
    base = `${server.url}/api/v1/api_key/`
  })
  afterAll(() => server.close())

  it("GET lists the caller's keys only, masked: {total_count, user_id, api_keys}", async () => {
    const res = await get(base, key(adminKey))
    expect(res.status).toBe(200)
    const body = res.json() as { total_count: number; user_id: string; api_keys: Record<string, unknown>[] }
    expect(Object.keys(body).sort()).toEqual(['api_keys', 'total_count', 'user_id'])
    expect(body.user_id).toBe(server.admin.id)
    expect(body.total_count).toBe(body.api_keys.length)
    expect(body.api_keys.every((k) => k.user_id === server.admin.id)).toBe(true)
    const mine = body.api_keys.find((k) => k.name === 'admin key')
    expect(mine).toBeDefined()
    expect(Object.keys(mine ?? {}).sort()).toEqual(API_KEY_READ_FIELDS)
    // Masked: the first 8 characters, then one `*` per remaining character.
    expect(mine?.api_key).toBe(adminKey.slice(0, 8) + '*'.repeat(38))
    expect(res.text).not.toContain(adminKey.slice(8))
    expect(mine).toMatchObject({ is_active: true, expires_at: null })

    const theirs = (await get(base, key(other.apiKey))).json() as typeof body
    expect(theirs.user_id).toBe(other.id)
    expect(theirs.api_keys.map((k) => k.id)).toEqual([other.keyId])
  })

  it('POST creates a key and answers UnmaskedApiKeyRead with the full key, once', async () => {
    const res = await post(base, { name: 'ci' }, key(adminKey))
    expect(res.status).toBe(200)
    const created = res.json() as Record<string, unknown>
    expect(Object.keys(created).sort()).toEqual(API_KEY_READ_FIELDS)
    expect(created.api_key).toMatch(KEY_PATTERN)
    expect(created).toMatchObject({
      name: 'ci',
      user_id: server.admin.id,
      total_uses: 0,
      is_active: true,
      last_used_at: null,
      expires_at: null
    })
    expect(Number.isNaN(Date.parse(String(created.created_at)))).toBe(false)
    // It works at once, and later listings show it masked only.
    const whoami = await get(`${server.url}/api/v1/users/whoami`, key(String(created.api_key)))
    expect(whoami.status).toBe(200)
    const listed = await get(base, key(adminKey))
    expect(listed.text).toContain(String(created.id))
    expect(listed.text).not.toContain(String(created.api_key))
    // Never stored in the clear.
    expect(readFileSync(join(server.dataDir, STORE_FILE), 'utf8')).not.toContain(String(created.api_key))
  })

  it('POST: every field is optional, unknown and unused ones are ignored, the owner is always the caller', async () => {
    const empty = await post(base, {}, key(adminKey))
    expect(empty.status).toBe(200)
    expect(empty.json()).toMatchObject({ name: null, user_id: server.admin.id })
    const ignored = await post(
      base,
      {
        name: 'sneaky',
        user_id: other.id,
        total_uses: 99,
        is_active: false,
        api_key: 'sk-chosen-by-the-client',
        flavour: 'vanilla'
      },
      key(adminKey)
    )
    expect(ignored.status).toBe(200)
    const body = ignored.json() as Record<string, unknown>
    expect(body).toMatchObject({ name: 'sneaky', user_id: server.admin.id, total_uses: 0, is_active: true })
    expect(body.api_key).toMatch(KEY_PATTERN)
  })

  it('POST with expires_at: a future date is kept, a past or unreadable one is 400 {detail}', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString()
    const res = await post(base, { name: 'expiring', expires_at: future }, key(adminKey))
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({ expires_at: future })
    const seconds = Math.floor(Date.now() / 1000) + 3600
    const unix = await post(base, { expires_at: seconds }, key(adminKey))
    expect(unix.status).toBe(200)
    expect(Date.parse((unix.json() as { expires_at: string }).expires_at)).toBe(seconds * 1000)
    for (const bad of ['2001-01-01T00:00:00Z', 'next tuesday']) {
      const refused = await post(base, { expires_at: bad }, key(adminKey))
      expect(refused.status).toBe(400)
      const detail = (refused.json() as { detail: unknown }).detail
      expect(typeof detail).toBe('string')
    }
  })

  it('POST with a body of the wrong shape → 422 in FastAPI form', async () => {
    const res = await post(base, { name: 42 }, key(adminKey))
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({
      detail: [{ type: 'string_type', loc: ['body', 'name'], msg: 'Input should be a valid string' }]
    })
    const noBody = await send(base, { method: 'POST', headers: key(adminKey) })
    expect(noBody.status).toBe(422)
    expect(noBody.json()).toEqual({ detail: [{ type: 'missing', loc: ['body'], msg: 'Field required' }] })
  })

  it('DELETE revokes one of your keys: 200 {"detail":"API Key deleted"}, and it is refused at once', async () => {
    const victim = (await post(base, { name: 'to delete' }, key(adminKey))).json() as {
      id: string
      api_key: string
    }
    expect((await get(base, key(victim.api_key))).status).toBe(200)
    const res = await send(`${base}${victim.id}`, { method: 'DELETE', headers: key(adminKey) })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ detail: 'API Key deleted' })
    const after = await get(base, key(victim.api_key))
    expect(after.status).toBe(403)
    expect(after.json()).toEqual({ detail: 'Invalid or missing API key' })
    // Deleting it again: not found.
    const again = await send(`${base}${victim.id}`, { method: 'DELETE', headers: key(adminKey) })
    expect(again.status).toBe(400)
    expect(again.json()).toEqual({ detail: 'API Key not found' })
  })

  it('DELETE of an unknown key or of another user’s key → 400 "API Key not found" (theirs keeps working)', async () => {
    const unknown = await send(`${base}3f2b9c1e-7d4a-4b7e-9a51-0c2d8e6f1a23`, {
      method: 'DELETE',
      headers: key(adminKey)
    })
    expect(unknown.status).toBe(400)
    expect(unknown.json()).toEqual({ detail: 'API Key not found' })
    // Even a superuser cannot delete someone else's key through this route, as a key is its owner's.
    const theirs = await send(`${base}${other.keyId}`, { method: 'DELETE', headers: key(adminKey) })
    expect(theirs.status).toBe(400)
    expect(theirs.json()).toEqual({ detail: 'API Key not found' })
    expect((await get(base, key(other.apiKey))).status).toBe(200)
  })

  it('DELETE with a malformed id → 422 with pydantic’s UUID message', async () => {
    const res = await send(`${base}not-a-uuid`, { method: 'DELETE', headers: key(adminKey) })
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({
      detail: [
        {
          type: 'uuid_parsing',
          loc: ['path', 'api_key_id'],
          msg: 'Input should be a valid UUID, invalid character: found `n` at 1'
        }
      ]
    })
  })

  it('POST /store saves the component-store key encrypted on the user: 200 {"detail":"API Key saved"}', async () => {
    const storeKey = 'store-key-0123456789abcdef'
    const res = await post(`${base}store`, { api_key: storeKey }, key(other.apiKey))
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ detail: 'API Key saved' })
    const record = await server.core.users.findRecord(other.id)
    expect(record?.store_api_key).toMatch(/^gAAAAA/)
    expect(server.core.vault.decrypt(record?.store_api_key ?? '')).toBe(storeKey)
    expect(readFileSync(join(server.dataDir, STORE_FILE), 'utf8')).not.toContain(storeKey)
    // Shown masked, never in the clear.
    const whoami = await get(`${server.url}/api/v1/users/whoami`, key(other.apiKey))
    expect(whoami.text).not.toContain(storeKey)
    expect((whoami.json() as { store_api_key: string }).store_api_key).toMatch(/^stor\*+$/)
    // The admin's own record is untouched.
    expect((await server.core.users.findRecord(server.admin.id))?.store_api_key).toBeNull()
  })

  it('POST /store without api_key → 422', async () => {
    const res = await post(`${base}store`, {}, key(adminKey))
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({
      detail: [{ type: 'missing', loc: ['body', 'api_key'], msg: 'Field required' }]
    })
  })

  it('the routes accept a Bearer token as well as a key', async () => {
    const access = await token(server.core, other.id)
    const res = await sendJson(base, 'POST', { name: 'via token' }, { authorization: `Bearer ${access}` })
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({ name: 'via token', user_id: other.id })
  })

  it('without a trailing slash the client is redirected (307), as FastAPI does', async () => {
    const res = await get(`${server.url}/api/v1/api_key`, key(adminKey))
    expect(res.status).toBe(307)
    expect(res.headers.location).toBe(`${server.url}/api/v1/api_key/`)
  })
})
