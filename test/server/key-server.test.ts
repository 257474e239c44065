import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Invalid } from '../../src/main/base/errors'
import { startKeyServer } from '../../src/main/server/key-server'
import { STORE_FILE } from '../../src/main/store/data-file'
import {
  bearer,
  get,
  key,
  post,
  postForm,
  startTestServer,
  type TestServer
} from '../fixtures/server/harness'
import { builtCli } from '../helpers/bundle'
import { tempDir } from '../helpers/tmp'
import { send } from './http'

// startKeyServer end to end: the hardening rules, revocation by another process, and what reaches the logs.

const root = tempDir('flowkeys-key-server-')

/** The environment of a child process: this session's keyring, none of the caller's FlowKeys or Langflow settings. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(LANGFLOW_|FLOWKEYS_)/.test(name)) env[name] = value
  }
  return env
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [builtCli(), ...args], { env: childEnv() })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdin.end()
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('hardening through startKeyServer', () => {
  let server: TestServer
  let adminKey: string

  beforeAll(async () => {
    server = await startTestServer(root, { LANGFLOW_AUTO_LOGIN: 'false' })
    adminKey = (await server.core.keys.create(server.admin, { name: 'admin key' })).api_key
  })
  afterAll(() => server.close())

  it('a foreign Host header → 403 (DNS rebinding), even with a valid key', async () => {
    const res = await get(`${server.url}/api/v1/api_key/`, {
      host: `evil.example:${server.handle.port}`,
      ...key(adminKey)
    })
    expect(res.status).toBe(403)
    expect(res.json()).toEqual({ detail: 'Invalid host header' })
    for (const host of [`localhost:${server.handle.port}`, `127.0.0.1:${server.handle.port}`]) {
      expect((await get(`${server.url}/api/v1/api_key/`, { host, ...key(adminKey) })).status).toBe(200)
    }
  })

  it('a foreign Origin → 403 and no CORS headers, even with a valid key', async () => {
    const res = await post(
      `${server.url}/api/v1/api_key/`,
      { name: 'from a web page' },
      {
        origin: 'https://evil.example',
        ...key(adminKey)
      }
    )
    expect(res.status).toBe(403)
    expect(res.json()).toEqual({ detail: 'Origin not allowed' })
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    expect((await server.core.store.keysOf(null)).some((k) => k.name === 'from a web page')).toBe(false)
  })

  it('a 2 MiB body → 413, nothing created', async () => {
    const before = (await server.core.store.keysOf(null)).length
    const res = await send(`${server.url}/api/v1/api_key/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...key(adminKey) },
      body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) })
    })
    expect(res.status).toBe(413)
    expect((await server.core.store.keysOf(null)).length).toBe(before)
  })

  it('a non-loopback bind without allowRemote is refused with the clear one-line error', async () => {
    const attempt = startKeyServer(server.core, { host: '0.0.0.0', port: 0 })
    await expect(attempt).rejects.toBeInstanceOf(Invalid)
    await expect(attempt).rejects.toThrow(
      'Refusing to listen on 0.0.0.0: the key server serves secrets; pass --allow-remote to bind a non-loopback address'
    )
  })
})

describe('the failed-key limit', () => {
  it('25 bad keys in a row: 403 for the first 20, then 429 with Retry-After; a good key is still served', async () => {
    const server = await startTestServer(root, { LANGFLOW_AUTO_LOGIN: 'false' })
    try {
      const good = (await server.core.keys.create(server.admin, { name: 'good' })).api_key
      const url = `${server.url}/api/v1/users/whoami`
      const statuses: number[] = []
      let first429: Awaited<ReturnType<typeof get>> | undefined
      for (let i = 0; i < 25; i++) {
        const res = await get(url, key(`sk-${String(i).padStart(43, 'x')}`))
        statuses.push(res.status)
        if (res.status === 429) first429 ??= res
      }
      expect(statuses.slice(0, 20)).toEqual(Array(20).fill(403))
      expect(statuses.slice(20)).toEqual(Array(5).fill(429))
      expect(Number(first429?.headers['retry-after'])).toBeGreaterThan(0)
      expect(Number(first429?.headers['retry-after'])).toBeLessThanOrEqual(60)
      expect(first429?.json()).toEqual({
        detail: 'Too many failed authentication attempts. Try again later.'
      })
      // The owner is never locked out by someone else's guesses: a valid key is served (SECURITY.md).
      expect((await get(url, key(good))).status).toBe(200)
      // Requests without a key are not guesses and are answered as usual.
      expect((await get(url)).status).toBe(403)
      expect((await get(`${server.url}/health`)).status).toBe(200)
    } finally {
      await server.close()
    }
  })
})

describe('revocation across processes', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(root, { LANGFLOW_AUTO_LOGIN: 'false' })
  })
  afterAll(() => server.close())

  it('a key revoked by the CLI in another process is refused on the next request', async () => {
    const created = await server.core.keys.create(server.admin, { name: 'doomed' })
    const kept = await server.core.keys.create(server.admin, { name: 'kept' })
    const url = `${server.url}/api/v1/users/whoami`
    expect((await get(url, key(created.api_key))).status).toBe(200)

    const result = await run(['keys', 'revoke', created.key.id, '--yes', '--data-dir', server.dataDir])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)

    const refused = await get(url, key(created.api_key))
    expect(refused.status).toBe(403)
    expect(refused.json()).toEqual({ detail: 'Invalid or missing API key' })
    expect((await get(url, key(kept.api_key))).status).toBe(200)
  })
})

describe('what reaches the logs', () => {
  it('the access log file and the log lines hold paths, statuses and key names, never a key, token or password', async () => {
    const password = 'pw-Very-Secret-123'
    const storeKey = 'store-key-SECRET-abcdef'
    const server = await startTestServer(root, {
      LANGFLOW_AUTO_LOGIN: 'false',
      LANGFLOW_SUPERUSER_PASSWORD: password
    })
    let secrets: string[] = [password, storeKey]
    try {
      const created = await server.core.keys.create(server.admin, { name: 'logged key' })
      const apiKey = created.api_key
      const base = server.url
      await get(`${base}/api/v1/users/whoami`, key(apiKey))
      await get(`${base}/api/v1/users/whoami?x-api-key=${apiKey}`)
      await get(`${base}/api/v1/users/whoami?x-api-key=${apiKey.slice(0, 20)}`)
      const fresh = (await post(`${base}/api/v1/api_key/`, { name: 'fresh' }, key(apiKey))).json() as {
        api_key: string
      }
      await post(`${base}/api/v1/api_key/store`, { api_key: storeKey }, key(apiKey))
      const login = (await postForm(`${base}/api/v1/login`, { username: 'langflow', password })).json() as {
        access_token: string
        refresh_token: string
      }
      await postForm(`${base}/api/v1/login`, { username: 'langflow', password: `${password}-wrong` })
      await get(`${base}/api/v1/users/whoami`, bearer(login.access_token))
      await send(`${base}/api/v1/refresh`, {
        method: 'POST',
        headers: { cookie: `refresh_token_lf=${login.refresh_token}` }
      })
      await send(`${base}/api/v1/api_key/${apiKey}`, { method: 'DELETE', headers: key(apiKey) })
      secrets = [...secrets, apiKey, apiKey.slice(8), fresh.api_key, login.access_token, login.refresh_token]

      server.core.accessLog.flush()
      const file = readFileSync(join(server.dataDir, 'access.log'), 'utf8')
      const entries = file
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(entries.length).toBeGreaterThanOrEqual(9)
      const keyed = entries.find((e) => e.path === '/api/v1/users/whoami' && e.status === 200)
      expect(keyed).toMatchObject({
        kind: 'request',
        method: 'GET',
        keyName: 'logged key',
        keyId: created.key.id,
        userId: server.admin.id
      })
      expect(entries.every((e) => !String(e.path).includes('?'))).toBe(true)
      expect(server.core.accessLog.recent(50).length).toBe(entries.length)

      const texts = {
        'access.log': file,
        'log lines': server.lines.join('\n'),
        warnings: server.warnings.join('\n')
      }
      for (const [where, text] of Object.entries(texts)) {
        for (const secret of secrets) expect(text.includes(secret), `${where} holds a secret`).toBe(false)
      }
      expect(server.lines.length).toBeGreaterThanOrEqual(9)
    } finally {
      await server.close()
    }
  })
})

describe('/health_check', () => {
  it('answers 500 naming the db part once the store cannot be read', async () => {
    const server = await startTestServer(root, {})
    try {
      expect((await get(`${server.url}/health_check`)).json()).toEqual({ status: 'ok', chat: 'ok', db: 'ok' })
      writeFileSync(join(server.dataDir, STORE_FILE), '{ this is not a store')
      const res = await get(`${server.url}/health_check`)
      expect(res.status).toBe(500)
      expect(res.json()).toEqual({
        detail: { status: 'nok', chat: 'ok', db: 'error check the server logs' }
      })
      expect((await get(`${server.url}/health`)).status).toBe(200)
    } finally {
      await server.close()
    }
  })
})

describe('the OpenAPI document', () => {
  it('lists the Langflow routes with their methods', async () => {
    const server = await startTestServer(root, {})
    try {
      const doc = (await get(`${server.url}/openapi.json`)).json() as {
        paths: Record<string, Record<string, unknown>>
      }
      const expected: [string, string][] = [
        ['/api/v1/api_key/', 'get'],
        ['/api/v1/api_key/', 'post'],
        ['/api/v1/api_key/{api_key_id}', 'delete'],
        ['/api/v1/api_key/store', 'post'],
        ['/api/v1/login', 'post'],
        ['/api/v1/auto_login', 'get'],
        ['/api/v1/refresh', 'post'],
        ['/api/v1/logout', 'post'],
        ['/api/v1/users/', 'get'],
        ['/api/v1/users/', 'post'],
        ['/api/v1/users/whoami', 'get'],
        ['/api/v1/users/{user_id}', 'patch'],
        ['/api/v1/users/{user_id}', 'delete'],
        ['/api/v1/users/{user_id}/reset-password', 'patch']
      ]
      for (const [path, method] of expected)
        expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined()
      expect((await get(`${server.url}/docs`)).status).toBeLessThan(400)
    } finally {
      await server.close()
    }
  })
})
