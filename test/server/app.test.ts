import type { FastifyRequest } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Corrupt, Forbidden } from '../../src/main/base/errors'
import type { RoutePlugin } from '../../src/main/server/app'
import { bearerUnauthorized, DATA_UNREADABLE } from '../../src/main/server/http/errors'
import { lineSink } from '../helpers/log'
import { TOO_MANY_FAILURES } from '../../src/main/base/failure-limiter'
import { type ServerHandle, startServer } from '../../src/main/server/start'
import { uuidSchema } from '../../src/main/server/http/uuid'
import { type RawResponse, send, sendJson } from './http'

const GOOD_KEY = 'sk-good-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
const SECRET_KEY = 'sk-SECRETsecretSECRETsecretSECRETsecretSECRETxx'

function presentedKey(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown>
  const fromQuery = query['x-api-key']
  if (typeof fromQuery === 'string' && fromQuery !== '') return fromQuery
  const fromHeader = request.headers['x-api-key']
  return typeof fromHeader === 'string' && fromHeader !== '' ? fromHeader : undefined
}

/** Stand-ins for the route families of the auth step, exercising the server's plumbing. */
const testRoutes: RoutePlugin = async (app) => {
  app.post(
    '/api/v1/things/',
    { schema: { body: z.object({ name: z.string(), count: z.int().optional() }) } },
    async (request) => ({ name: request.body.name })
  )
  app.delete(
    '/api/v1/things/:thing_id',
    { schema: { params: z.object({ thing_id: uuidSchema() }) } },
    async (request) => ({ detail: request.params.thing_id })
  )
  app.post('/api/v1/ping', async () => ({ pong: true }))
  app.get('/api/v1/guarded/', async (request) => {
    app.failureLimiter.check(request.ip)
    if (presentedKey(request) !== GOOD_KEY) {
      app.failureLimiter.recordFailure(request.ip)
      throw new Forbidden('Invalid or missing API key')
    }
    request.logActor = { keyName: 'ci key', keyId: 'k1' }
    return { ok: true }
  })
  app.get('/api/v1/token', async () => {
    throw bearerUnauthorized('Could not validate credentials')
  })
  app.get('/api/v1/boom', async () => {
    throw new Error(`leaked ${SECRET_KEY} at /home/user/secret`)
  })
  app.get('/api/v1/corrupt', async () => {
    throw new Corrupt('The store file cannot be read')
  })
}

let handle: ServerHandle
let base: string
const logLines: string[] = []
let dbHealthy = true

beforeAll(async () => {
  handle = await startServer(
    {
      plugins: [testRoutes],
      checkDb: () => {
        if (!dbHealthy) throw new Error(`store unreadable ${SECRET_KEY}`)
        return true
      }
    },
    { port: 0, log: lineSink((line) => logLines.push(line)), allowedOrigins: ['http://localhost:3000'] }
  )
  base = handle.url
})

afterAll(async () => {
  await handle?.close()
})

beforeEach(() => {
  handle.app.failureLimiter.reset()
  dbHealthy = true
})

describe('health', () => {
  it('answers /health', async () => {
    const res = await fetch(`${base}/health`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('answers /health_check with every part ok', async () => {
    const res = await fetch(`${base}/health_check`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', chat: 'ok', db: 'ok' })
  })

  it("answers 500 with Langflow's failing-part body when the store cannot be read", async () => {
    dbHealthy = false
    const res = await fetch(`${base}/health_check`)
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({
      detail: { status: 'nok', chat: 'ok', db: 'error check the server logs' }
    })
    expect(logLines.some((line) => line.includes('ERROR GET /health_check'))).toBe(true)
    expect(logLines.join('\n')).not.toContain(SECRET_KEY)
  })
})

describe('FastAPI-shaped routing errors', () => {
  it('answers an unknown path with 404 {"detail":"Not Found"}', async () => {
    const res = await fetch(`${base}/api/v1/nothing-here`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ detail: 'Not Found' })
  })

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const res = await fetch(`${base}/health`, { method: 'DELETE' })
    expect(res.status).toBe(405)
    expect(await res.json()).toEqual({ detail: 'Method Not Allowed' })
    expect(res.headers.get('allow')).toContain('GET')
  })

  it('redirects a path missing its trailing slash with 307, keeping the query', async () => {
    const res = await fetch(`${base}/api/v1/things?a=1`, { method: 'POST', redirect: 'manual' })
    expect(res.status).toBe(307)
    expect(res.headers.get('location')).toBe(`${base}/api/v1/things/?a=1`)
  })

  it('redirects a path with an extra trailing slash to the slashless route', async () => {
    const res = await fetch(`${base}/health/`, { redirect: 'manual' })
    expect(res.status).toBe(307)
    expect(res.headers.get('location')).toBe(`${base}/health`)
  })

  it('lets a client follow the redirect and reach the route with its body', async () => {
    const res = await fetch(`${base}/api/v1/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'followed' })
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ name: 'followed' })
  })
})

describe('validation errors (422, pydantic v2 shape)', () => {
  it('reports a missing field', async () => {
    const res = await sendJson(`${base}/api/v1/things/`, 'POST', {})
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({
      detail: [{ type: 'missing', loc: ['body', 'name'], msg: 'Field required' }]
    })
  })

  it('reports wrong types field by field', async () => {
    const res = await sendJson(`${base}/api/v1/things/`, 'POST', { name: 5, count: 'many' })
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({
      detail: [
        { type: 'string_type', loc: ['body', 'name'], msg: 'Input should be a valid string' },
        {
          type: 'int_parsing',
          loc: ['body', 'count'],
          msg: 'Input should be a valid integer, unable to parse string as an integer'
        }
      ]
    })
  })

  it('reports an absent body as a missing body', async () => {
    const res = await send(`${base}/api/v1/things/`, { method: 'POST' })
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({ detail: [{ type: 'missing', loc: ['body'], msg: 'Field required' }] })
  })

  it('reports broken JSON at the position Python reports, without quoting the body', async () => {
    const body = `{"name": "${SECRET_KEY}", }`
    const res = await sendJson(`${base}/api/v1/things/`, 'POST', body)
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({
      detail: [
        {
          type: 'json_invalid',
          loc: ['body', body.lastIndexOf('}')],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: 'Expecting property name enclosed in double quotes' }
        }
      ]
    })
    expect(res.text).not.toContain(SECRET_KEY)
  })

  it('parses JSON sent without a Content-Type, as FastAPI does', async () => {
    const res = await send(`${base}/api/v1/things/`, { method: 'POST', body: '{"name":"bare"}' })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ name: 'bare' })
  })

  it('answers a non-JSON body on a JSON route with 422, not 415', async () => {
    const res = await send(`${base}/api/v1/things/`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'name=x'
    })
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({
      detail: [
        {
          type: 'model_attributes_type',
          loc: ['body'],
          msg: 'Input should be a valid dictionary or object to extract fields from'
        }
      ]
    })
  })

  it('answers bytes that are not UTF-8 with 400', async () => {
    const res = await send(`${base}/api/v1/things/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d])
    })
    expect(res.status).toBe(400)
    expect(res.json()).toEqual({ detail: 'There was an error parsing the body' })
  })

  it('ignores a broken body on a route that takes none', async () => {
    const res = await sendJson(`${base}/api/v1/ping`, 'POST', '{not json')
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ pong: true })
  })

  it('reports a malformed UUID in the path with pydantic-core’s message', async () => {
    const res = await fetch(`${base}/api/v1/things/not-a-uuid`, { method: 'DELETE' })
    expect(res.status).toBe(422)
    expect(await res.json()).toEqual({
      detail: [
        {
          type: 'uuid_parsing',
          loc: ['path', 'thing_id'],
          msg: 'Input should be a valid UUID, invalid character: found `n` at 1'
        }
      ]
    })
  })

  it('accepts the UUID forms Python accepts and normalises them', async () => {
    const res = await fetch(`${base}/api/v1/things/7D4FE3B27F0E4B5B9E0A1A2B3C4D5E6F`, { method: 'DELETE' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ detail: '7d4fe3b2-7f0e-4b5b-9e0a-1a2b3c4d5e6f' })
  })
})

describe('body limit', () => {
  it('answers a 2 MiB body with 413 {"detail": ...}', async () => {
    const res = await sendJson(`${base}/api/v1/things/`, 'POST', `{"name":"${'x'.repeat(2 * 1024 * 1024)}"}`)
    expect(res.status).toBe(413)
    expect(res.json()).toEqual({ detail: expect.stringContaining('too large') })
  })

  it('answers 413 to a chunked body that grows past the limit', async () => {
    const res = await send(`${base}/api/v1/things/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: `{"name":"${'x'.repeat(2 * 1024 * 1024)}"}`
    })
    expect(res.status).toBe(413)
  })

  it('still accepts a body just under 1 MiB', async () => {
    const res = await sendJson(`${base}/api/v1/things/`, 'POST', { name: 'x'.repeat(1024 * 1024 - 100) })
    expect(res.status).toBe(200)
  })
})

describe('Host and Origin checks', () => {
  it('accepts 127.0.0.1, localhost and [::1] with the port', async () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]', 'LOCALHOST']) {
      const res = await send(`${base}/health`, { headers: { host: `${host}:${handle.port}` } })
      expect(res.status, host).toBe(200)
    }
  })

  it('refuses a foreign Host (DNS rebinding) with 403, on every path', async () => {
    for (const path of ['/health', '/api/v1/nothing', '/docs', '/openapi.json']) {
      const res = await send(`${base}${path}`, { headers: { host: `evil.example:${handle.port}` } })
      expect(res.status, path).toBe(403)
      expect(res.json()).toEqual({ detail: 'Invalid host header' })
    }
  })

  it('refuses a loopback Host with another port, or none', async () => {
    for (const host of [`127.0.0.1:${handle.port + 1}`, '127.0.0.1', 'localhost']) {
      const res = await send(`${base}/health`, { headers: { host } })
      expect(res.status, host).toBe(403)
    }
  })

  it('refuses a foreign Origin with 403 and sends no CORS headers', async () => {
    const res = await sendJson(
      `${base}/api/v1/things/`,
      'POST',
      { name: 'x' },
      { origin: 'https://evil.example' }
    )
    expect(res.status).toBe(403)
    expect(res.json()).toEqual({ detail: 'Origin not allowed' })
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })

  it("accepts the server's own origin without CORS headers", async () => {
    const res = await sendJson(`${base}/api/v1/things/`, 'POST', { name: 'x' }, { origin: base })
    expect(res.status).toBe(200)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('gives a configured origin CORS headers and answers its preflight', async () => {
    const origin = 'http://localhost:3000'
    const preflight = await send(`${base}/api/v1/things/`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-api-key'
      }
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers['access-control-allow-origin']).toBe(origin)
    expect(preflight.headers['access-control-allow-methods']).toContain('POST')
    expect(preflight.headers['access-control-allow-headers']).toContain('x-api-key')

    const res = await sendJson(`${base}/api/v1/things/`, 'POST', { name: 'x' }, { origin })
    expect(res.status).toBe(200)
    expect(res.headers['access-control-allow-origin']).toBe(origin)
    expect(res.headers['vary']).toContain('Origin')
  })

  it('refuses the preflight of a foreign origin', async () => {
    const res = await send(`${base}/api/v1/things/`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:4000', 'access-control-request-method': 'POST' }
    })
    expect(res.status).toBe(403)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('errors from route families', () => {
  it('adds WWW-Authenticate: Bearer to a token failure', async () => {
    const res = await fetch(`${base}/api/v1/token`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer')
    expect(await res.json()).toEqual({ detail: 'Could not validate credentials' })
  })

  it('answers an unexpected error with a bare 500 and logs it without its message', async () => {
    const res = await fetch(`${base}/api/v1/boom?x-api-key=${SECRET_KEY}`)
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(JSON.parse(text)).toEqual({ detail: 'Internal Server Error' })
    expect(text).not.toContain('leaked')
    expect(text).not.toContain('/home/user')
    const errorLine = logLines.find((line) => line.includes('ERROR GET /api/v1/boom'))
    expect(errorLine).toBeDefined()
    expect(logLines.join('\n')).not.toContain(SECRET_KEY)
    expect(logLines.join('\n')).not.toContain('leaked')
  })

  it('answers Corrupt with 500 and a message that names no file (the log has the reason)', async () => {
    const res = await fetch(`${base}/api/v1/corrupt`)
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ detail: DATA_UNREADABLE })
  })
})

describe('failed-authentication limiter', () => {
  it('lets 20 failures through, then answers 429 with Retry-After', async () => {
    const statuses: number[] = []
    let retryAfter: string | null = null
    let body: unknown
    for (let i = 0; i < 25; i++) {
      const res = await fetch(`${base}/api/v1/guarded/`, { headers: { 'x-api-key': `sk-wrong-${i}` } })
      statuses.push(res.status)
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after')
        body = await res.json()
      } else {
        await res.text()
      }
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(403))
    expect(statuses.slice(20)).toEqual(Array(5).fill(429))
    expect(body).toEqual({ detail: TOO_MANY_FAILURES })
    const seconds = Number(retryAfter)
    expect(Number.isInteger(seconds)).toBe(true)
    expect(seconds).toBeGreaterThanOrEqual(1)
    expect(seconds).toBeLessThanOrEqual(60)

    // While limited, even the right key waits: the limiter is checked before the credential.
    const good = await fetch(`${base}/api/v1/guarded/`, { headers: { 'x-api-key': GOOD_KEY } })
    expect(good.status).toBe(429)
  })

  it('lets the right key through below the limit', async () => {
    const res = await fetch(`${base}/api/v1/guarded/`, { headers: { 'x-api-key': GOOD_KEY } })
    expect(res.status).toBe(200)
  })
})

describe('logging', () => {
  it('never writes a key sent in the query, a header or a cookie', async () => {
    const before = logLines.length
    await fetch(`${base}/api/v1/guarded/?x-api-key=${SECRET_KEY}`)
    await fetch(`${base}/api/v1/guarded/`, {
      headers: {
        'x-api-key': SECRET_KEY,
        authorization: `Bearer ${SECRET_KEY}`,
        cookie: `access_token_lf=${SECRET_KEY}`
      }
    })
    await sendJson(`${base}/api/v1/things/`, 'POST', { name: SECRET_KEY })
    await fetch(`${base}/api/v1/things/${SECRET_KEY}`, { method: 'DELETE' })
    await fetch(`${base}/api/v1/guarded/?x-api-key=${GOOD_KEY}`)
    const written = logLines.slice(before)
    expect(written.length).toBeGreaterThanOrEqual(5)
    const all = written.join('\n')
    expect(all).not.toContain(SECRET_KEY)
    expect(all).not.toContain('SECRETsecret')
    expect(all).not.toContain(GOOD_KEY)
    expect(all).not.toContain('?')
    expect(all).toMatch(/GET \/api\/v1\/guarded\/ 403 \d+ms/)
    expect(all).toMatch(/GET \/api\/v1\/guarded\/ 200 \d+ms key="ci key"/)
  })

  it('writes one access line per answer, with its status, refusals and errors included', async () => {
    const cases: [string, () => Promise<RawResponse>, string][] = [
      ['success', () => send(`${base}/health`), 'GET /health 200'],
      [
        'foreign Host',
        () => send(`${base}/health`, { headers: { host: `evil.example:${handle.port}` } }),
        'GET /health 403'
      ],
      ['unknown path', () => send(`${base}/api/v1/nothing`), 'GET /api/v1/nothing 404'],
      ['wrong method', () => send(`${base}/api/v1/ping`), 'GET /api/v1/ping 405'],
      ['missing slash', () => send(`${base}/api/v1/guarded`), 'GET /api/v1/guarded 307'],
      ['refused key', () => send(`${base}/api/v1/guarded/`), 'GET /api/v1/guarded/ 403'],
      ['broken percent-encoding', () => send(`${base}/api/v1/%E0%A4%A`), 'GET /api/v1/%E0%A4%A 400'],
      [
        'invalid body',
        () => sendJson(`${base}/api/v1/things/`, 'POST', { count: 1 }),
        'POST /api/v1/things/ 422'
      ],
      ['unexpected error', () => send(`${base}/api/v1/boom`), 'GET /api/v1/boom 500']
    ]
    for (const [what, request, line] of cases) {
      const before = logLines.length
      await request()
      const access = logLines.slice(before).filter((written) => !written.includes(' ERROR '))
      expect(access, what).toHaveLength(1)
      expect(access[0], what).toMatch(new RegExp(`^\\S+ ${line} \\d+ms`))
    }
  })
})

describe('OpenAPI and docs', () => {
  it('serves an OpenAPI 3.1 document listing the routes', async () => {
    const res = await fetch(`${base}/openapi.json`)
    expect(res.status).toBe(200)
    const doc = (await res.json()) as {
      openapi: string
      info: { title: string }
      paths: Record<string, unknown>
    }
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info.title).toBe('FlowKeys (Langflow-compatible API)')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/health_check', '/api/v1/things/', '/api/v1/things/{thing_id}'])
    )
    expect(Object.keys(doc.paths).some((path) => path.startsWith('/docs'))).toBe(false)
  })

  it('serves Swagger UI and its assets from this server', async () => {
    const page = await fetch(`${base}/docs`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    // A page the browser renders: no referrer from it, and the API's own safety headers too.
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    expect(page.headers.get('cache-control')).toBe('no-store')
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    const html = await page.text()
    expect(html).toContain('swagger-ui-bundle.js')
    expect(html).not.toMatch(/https?:\/\//)

    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-initializer.js']) {
      const res = await fetch(`${base}/docs/static/${asset}`)
      expect(res.status, asset).toBe(200)
      await res.arrayBuffer()
    }
    const spec = await fetch(`${base}/docs/json`)
    expect(spec.status).toBe(200)
    expect(((await spec.json()) as { openapi: string }).openapi).toBe('3.1.0')
  })
})

describe('response headers', () => {
  it('marks every answer as not cacheable and not sniffable, refusals and errors too', async () => {
    const cases: [string, () => Promise<RawResponse>, number][] = [
      ['success', () => send(`${base}/health`), 200],
      [
        'foreign Host',
        () => send(`${base}/health`, { headers: { host: `evil.example:${handle.port}` } }),
        403
      ],
      ['foreign Origin', () => send(`${base}/health`, { headers: { origin: 'http://evil.example' } }), 403],
      ['unknown path', () => send(`${base}/api/v1/nothing`), 404],
      ['wrong method', () => send(`${base}/api/v1/ping`), 405],
      ['missing slash', () => send(`${base}/api/v1/guarded`), 307],
      ['broken percent-encoding', () => send(`${base}/api/v1/%E0%A4%A`), 400],
      ['refused key', () => send(`${base}/api/v1/guarded/`), 403],
      ['invalid body', () => sendJson(`${base}/api/v1/things/`, 'POST', { count: 1 }), 422],
      ['unexpected error', () => send(`${base}/api/v1/boom`), 500]
    ]
    for (const [what, request, status] of cases) {
      const res = await request()
      expect(res.status, what).toBe(status)
      expect(res.headers['cache-control'], what).toBe('no-store')
      expect(res.headers['x-content-type-options'], what).toBe('nosniff')
      // Referrer-Policy only acts on documents: JSON answers go without it (see setSafetyHeaders).
      expect(res.headers['referrer-policy'], what).toBeUndefined()
    }
  })
})
