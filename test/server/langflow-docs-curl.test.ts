import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../src/main/users/password'
import { KEY_PATTERN, startTestServer, type TestServer } from '../fixtures/server/harness'
import { curlCommands, curlHomeIn, runCurl, type CurlResult } from '../helpers/docs-curl'
import { tempDir } from '../helpers/tmp'
import { newUserRecord } from '../../src/main/users/record'

// The curl commands of Langflow's documentation, run as written with the real curl binary against the key
// server (test/fixtures/server/langflow-docs-curl.sh says where each comes from).

const root = tempDir('flowkeys-docs-curl-')
const DOCS_USER_ID = '10c1c6a2-ab8a-4748-8700-0e4832fd5ce8'

describe("Langflow's documented curl commands", () => {
  const docs = curlCommands('test/fixtures/server/langflow-docs-curl.sh')
  let server: TestServer
  let adminKey: string
  let docsUserKey: string
  let curlHome: string

  /** Runs one documented command unchanged (test/helpers/docs-curl.ts). */
  function curl(name: string, apiKey = adminKey): Promise<CurlResult> {
    const command = docs.get(name)
    if (!command) throw new Error(`no command ${name} in the fixture`)
    return runCurl(name, command, curlHome, { LANGFLOW_URL: server.url, LANGFLOW_API_KEY: apiKey })
  }

  beforeAll(async () => {
    curlHome = curlHomeIn(root)

    server = await startTestServer(root, { LANGFLOW_AUTO_LOGIN: 'false' })
    adminKey = (await server.core.keys.create(server.admin, { name: 'docs key' })).api_key
    // The user the docs' examples act on, with the id they print.
    const now = new Date().toISOString()
    const password_hash = await hashPassword('original-password-123')
    await server.core.store.insertUser(
      newUserRecord(
        {
          id: DOCS_USER_ID,
          username: 'docs-example-user',
          password_hash,
          is_active: false,
          is_superuser: false
        },
        now
      )
    )
    docsUserKey = (await server.core.keys.create(server.admin, { name: 'docs user key' }, DOCS_USER_ID))
      .api_key
  })
  afterAll(() => server.close())

  it('the fixture holds every command the test runs', () => {
    expect([...docs.keys()]).toEqual([
      'whoami',
      'whoami-query',
      'list-users',
      'add-user',
      'update-user',
      'reset-password',
      'delete-user',
      'create-api-key',
      'create-api-key-query',
      'list-api-keys',
      'list-api-keys-query'
    ])
  })

  it('whoami, header form and query form', async () => {
    for (const name of ['whoami', 'whoami-query']) {
      const res = await curl(name)
      expect(res.status, name).toBe(200)
      expect(res.body).toMatchObject({ id: server.admin.id, username: 'langflow', is_superuser: true })
    }
  })

  it('a wrong or revoked key is refused in both forms', async () => {
    const revoked = await server.core.keys.create(server.admin, { name: 'revoked' })
    await server.core.keys.revoke(server.admin, revoked.key.id)
    for (const name of ['whoami', 'whoami-query']) {
      for (const bad of [revoked.api_key, 'sk-not-a-real-key']) {
        const res = await curl(name, bad)
        expect(res.status).toBe(403)
        expect(res.body).toEqual({ detail: 'Invalid or missing API key' })
      }
      const none = await curl(name, '')
      expect(none.status).toBe(403)
      expect(none.body).toEqual({ detail: 'An API key must be passed as query or header' })
    }
  })

  it('users: list, add, update, reset the password, delete, as the docs show', async () => {
    const list = await curl('list-users')
    expect(list.status).toBe(200)
    expect(list.body).toMatchObject({ total_count: 2 })

    const added = await curl('add-user')
    expect(added.status).toBe(201)
    expect(added.body).toMatchObject({ username: 'newuser2', is_superuser: false })

    const updated = await curl('update-user')
    expect(updated.status).toBe(200)
    expect(updated.body).toMatchObject({ id: DOCS_USER_ID, is_active: true, is_superuser: true })

    // The docs' example changes the caller's own password: run it with that user's key.
    const reset = await curl('reset-password', docsUserKey)
    expect(reset.status).toBe(200)
    expect(reset.body).toMatchObject({ id: DOCS_USER_ID })
    const refused = await curl('reset-password', adminKey)
    expect(refused.status).toBe(400)
    expect(refused.body).toEqual({ detail: "You can't change another user's password" })
    const login = await server.core.auth.login('docs-example-user', 'newsecurepassword123')
    expect(login.token_type).toBe('bearer')

    const deleted = await curl('delete-user')
    expect(deleted.status).toBe(200)
    expect(deleted.body).toEqual({ detail: 'User deleted' })
    expect((await curl('delete-user')).status).toBe(404)
  })

  it('API keys: create and list, header form and query form', async () => {
    const created = await curl('create-api-key')
    expect(created.status).toBe(200)
    expect(created.body).toMatchObject({ name: 'from-curl', user_id: server.admin.id })
    const full = (created.body as { api_key: string }).api_key
    expect(full).toMatch(KEY_PATTERN)
    const viaQuery = await curl('create-api-key-query')
    expect(viaQuery.status).toBe(200)
    expect(viaQuery.body).toMatchObject({ name: 'from-curl-query' })

    // The new key works with the same commands.
    expect((await curl('whoami-query', full)).status).toBe(200)
    for (const name of ['list-api-keys', 'list-api-keys-query']) {
      const res = await curl(name)
      expect(res.status).toBe(200)
      const body = res.body as { user_id: string; api_keys: { name: string; api_key: string }[] }
      expect(body.user_id).toBe(server.admin.id)
      expect(body.api_keys.map((k) => k.name)).toEqual(
        expect.arrayContaining(['from-curl', 'from-curl-query'])
      )
      expect(JSON.stringify(body)).not.toContain(full)
    }
  })
})
