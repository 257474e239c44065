import { describe, expect, it } from 'vitest'
import { bearer, get, key, post, serverFor, userWithKey, type TestServer } from '../fixtures/server/harness'
import { tempDir } from '../helpers/tmp'
import { send, sendJson } from '../server/http'

// Hole 1 of "Secrets stay with their owner": with Langflow's default LANGFLOW_AUTO_LOGIN=true, GET /auto_login
// handed a superuser token to any local process, which then read Credentials and minted API keys.

const root = tempDir('flowkeys-sec-autologin-')
const SECRET = 'sk-openai-PLAINTEXT-autologin-7001'
const PROOF_REQUIRED = 'This needs an API key or a password login: an auto-login session cannot do it'

/** The owner's Credential, which every attack below is after. */
const withCredential = async (server: TestServer): Promise<void> => {
  await server.core.variables.create(server.admin.id, { name: 'OPENAI_API_KEY', value: SECRET })
}

/** Everything a caller holding `headers` tries once it holds a superuser session. */
async function attack(server: TestServer, headers: Record<string, string>) {
  const victim = await userWithKey(server, `victim-${Math.random().toString(36).slice(2, 8)}`)
  return {
    credential: await get(`${server.url}/api/v1/flowkeys/credentials/OPENAI_API_KEY`, headers),
    resolve: await post(
      `${server.url}/api/v1/flowkeys/resolve`,
      { flow: { data: { nodes: [] } }, tweaks: {} },
      headers
    ),
    mintKey: await post(`${server.url}/api/v1/api_key/`, { name: 'stolen' }, headers),
    addUser: await post(
      `${server.url}/api/v1/users/`,
      { username: `attacker-${Math.random()}`, password: 'attacker-pw', is_superuser: true },
      headers
    ),
    promote: await sendJson(
      `${server.url}/api/v1/users/${victim.id}`,
      'PATCH',
      { is_superuser: true, password: 'taken-over' },
      headers
    ),
    resetOwnPassword: await sendJson(
      `${server.url}/api/v1/users/${server.admin.id}/reset-password`,
      'PATCH',
      { password: 'attacker-chose-this' },
      headers
    ),
    deleteUser: await send(`${server.url}/api/v1/users/${victim.id}`, { method: 'DELETE', headers })
  }
}

function expectAllRefused(results: Awaited<ReturnType<typeof attack>>): void {
  for (const [name, res] of Object.entries(results)) {
    expect(res.status, name).toBe(403)
    expect(res.text, name).not.toContain(SECRET)
  }
}

describe('auto-login over HTTP (defaults: LANGFLOW_AUTO_LOGIN=true)', () => {
  const current = serverFor(root, {}, withCredential)

  it('GET /api/v1/auto_login hands an anonymous caller no token and no cookie', async () => {
    const server = current()
    const res = await get(`${server.url}/api/v1/auto_login`)
    expect(res.status).toBe(400)
    expect(res.json()).toEqual({
      detail: { message: 'Auto login is disabled. Please enable it in the settings', auto_login: false }
    })
    expect(res.headers['set-cookie']).toBeUndefined()
    expect(res.text).not.toMatch(/eyJ/)
  })

  it('an anonymous sign-up is refused: 403 "Public user registration is disabled."', async () => {
    const server = current()
    const res = await post(`${server.url}/api/v1/users/`, { username: 'ops', password: 'attacker-pw' })
    expect(res.status).toBe(403)
    expect(res.json()).toEqual({ detail: 'Public user registration is disabled.' })
    expect(await server.core.users.findByUsername('ops')).toBeUndefined()
  })

  it('a caller without a key reads no credential', async () => {
    const server = current()
    const res = await get(`${server.url}/api/v1/flowkeys/credentials/OPENAI_API_KEY`)
    expect(res.status).toBe(403)
    expect(res.text).not.toContain(SECRET)
  })
})

describe('auto-login over HTTP turned on by the operator (FLOWKEYS_HTTP_AUTO_LOGIN=true)', () => {
  const current = serverFor(root, { FLOWKEYS_HTTP_AUTO_LOGIN: 'true' }, withCredential)

  it('its token reads no secret, makes no key and manages no user', async () => {
    const server = current()
    const res = await get(`${server.url}/api/v1/auto_login`)
    expect(res.status).toBe(200)
    const token = (res.json() as { access_token: string }).access_token
    // It is a superuser session all the same: listing works.
    expect((await get(`${server.url}/api/v1/users/whoami`, bearer(token))).json()).toMatchObject({
      is_superuser: true
    })
    const results = await attack(server, bearer(token))
    expectAllRefused(results)
    expect(results.mintKey.json()).toEqual({ detail: PROOF_REQUIRED })
    expect((await server.core.keys.list(server.admin)).total_count).toBe(0)
  })

  it('the same token as the access_token_lf cookie is refused alike', async () => {
    const server = current()
    const token = ((await get(`${server.url}/api/v1/auto_login`)).json() as { access_token: string })
      .access_token
    expectAllRefused(await attack(server, { cookie: `access_token_lf=${token}` }))
  })

  it('a real API key of the same superuser still does all of it', async () => {
    const server = current()
    const created = await server.core.keys.create(server.admin, { name: 'owner' })
    const res = await get(`${server.url}/api/v1/flowkeys/credentials/OPENAI_API_KEY`, key(created.api_key))
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({ value: SECRET })
    expect((await post(`${server.url}/api/v1/api_key/`, { name: 'x' }, key(created.api_key))).status).toBe(
      200
    )
  })
})

describe('LANGFLOW_SKIP_AUTH_AUTO_LOGIN=true (requests without a key act as the superuser)', () => {
  const current = serverFor(root, { LANGFLOW_SKIP_AUTH_AUTO_LOGIN: 'true' }, withCredential)

  it('reads no secret, makes no key and manages no user', async () => {
    const server = current()
    expect((await get(`${server.url}/api/v1/users/whoami`)).status).toBe(200)
    expectAllRefused(await attack(server, {}))
    expect((await server.core.keys.list(server.admin)).total_count).toBe(0)
  })
})
