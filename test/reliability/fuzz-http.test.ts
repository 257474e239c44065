import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore } from '../../src/main/core/open'
import { startStandinLangflow, type StandinLangflow } from '../fixtures/langflow-upstream/standin'
import { storeEnv } from '../helpers/core'
import { tempDir } from '../helpers/tmp'
import { call, ServerProcess, storeState, type Answer } from './helpers'

/** Runs per route; the server answers in a few ms, so the file stays within seconds. */
const RUNS = 50

/** The contract's routes (langflow-api.md §2–§4) and FlowKeys' own: each must be in the spec and is fuzzed. */
const CONTRACT_ROUTES = [
  'get /api/v1/api_key/',
  'post /api/v1/api_key/',
  'delete /api/v1/api_key/{api_key_id}',
  'post /api/v1/api_key/store',
  'post /api/v1/variables/',
  'get /api/v1/variables/',
  'patch /api/v1/variables/{variable_id}',
  'delete /api/v1/variables/{variable_id}',
  'post /api/v1/login',
  'get /api/v1/auto_login',
  'post /api/v1/refresh',
  'post /api/v1/logout',
  'get /api/v1/users/whoami',
  'get /api/v1/users/',
  'post /api/v1/users/',
  'patch /api/v1/users/{user_id}',
  'delete /api/v1/users/{user_id}',
  'get /health_check'
]

/** Routes of the server's OpenAPI document beyond CONTRACT_ROUTES, fuzzed by the "every other route" test. */
const OTHER_ROUTES = [
  'get /health',
  'patch /api/v1/users/{user_id}/reset-password',
  'get /api/v1/flowkeys/credentials/{name}',
  'post /api/v1/flowkeys/resolve',
  'post /api/v1/run/{flow_id_or_name}',
  'post /api/v1/process/{flow_id}',
  'post /api/v1/webhook/{flow_id_or_name}',
  'post /api/v1/files/upload/{flow_id}',
  'get /api/v2/files',
  'post /api/v2/files'
]

interface Schema {
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  enum?: unknown[]
  anyOf?: Schema[]
  format?: string
  pattern?: string
}

interface Operation {
  parameters?: { in: string; name: string; schema?: Schema }[]
  requestBody?: { content: Record<string, { schema?: Schema }> }
}

interface Route {
  method: string
  template: string
  pathParams: string[]
  queryParams: string[]
  contentTypes: string[]
  body: Schema | undefined
}

function routesOf(spec: { paths: Record<string, Record<string, Operation>> }): Map<string, Route> {
  const routes = new Map<string, Route>()
  for (const [template, operations] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const params = op.parameters ?? []
      const content = op.requestBody?.content ?? {}
      routes.set(`${method} ${template}`, {
        method: method.toUpperCase(),
        template,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        contentTypes: Object.keys(content),
        body: Object.values(content)[0]?.schema
      })
    }
  }
  return routes
}

/**
 * Values shaped by the schema (so requests get past validation into the handlers), with anything at all mixed
 * in at every level. `ids` are ids that exist in the store.
 */
function valueFor(schema: Schema | undefined, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  const anything = fc.jsonValue({ maxDepth: 2 })
  if (!schema || depth > 3) return anything
  const shaped: fc.Arbitrary<unknown>[] = []
  if (schema.anyOf) shaped.push(...schema.anyOf.map((branch) => valueFor(branch, ids, depth + 1)))
  if (schema.enum) shaped.push(fc.constantFrom(...schema.enum))
  const types = ([] as string[]).concat(schema.type ?? [])
  if (types.includes('string') && !schema.enum) {
    if (schema.format === 'uuid') shaped.push(fc.constantFrom(...ids), fc.uuid())
    else if (schema.pattern) shaped.push(fc.stringMatching(new RegExp(schema.pattern)))
    else
      shaped.push(
        fc.string(),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.constantFrom(...ids)
      )
  }
  if (types.includes('boolean')) shaped.push(fc.boolean())
  if (types.includes('integer') || types.includes('number'))
    shaped.push(fc.integer({ min: -5, max: 1_000 }), fc.double())
  if (types.includes('array')) shaped.push(fc.array(valueFor(schema.items, ids, depth + 1), { maxLength: 3 }))
  if (types.includes('null')) shaped.push(fc.constant(null))
  if (types.includes('object') || schema.properties) {
    const fields = Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([name, field]) => [name, valueFor(field, ids, depth + 1)])
    )
    const extra = fc.dictionary(fc.string({ maxLength: 8 }), anything, { maxKeys: 2 })
    shaped.push(
      fc.record(fields),
      fc.record(fields, { requiredKeys: [] }),
      fc.tuple(fc.record(fields, { requiredKeys: [] }), extra).map(([known, more]) => ({ ...more, ...known }))
    )
  }
  if (shaped.length === 0) return anything
  return fc.oneof({ weight: 5, arbitrary: fc.oneof(...shaped) }, { weight: 1, arbitrary: anything })
}

const RAW_SEGMENTS = ['', '%', '%zz', '%00', '..', '.', 'a%2Fb', '%E0%A4%A', ' ', '~', 'null']

function formEncode(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return String(value)
  return new URLSearchParams(
    Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])
  ).toString()
}

describe('the key server under arbitrary bodies, queries and path parameters', { timeout: 60_000 }, () => {
  let server: ServerProcess
  let dataDir: string
  let routes: Map<string, Route>
  let auth: Record<string, Record<string, string>>
  let knownIds: string[]
  /** The gateway's routes forward here: fuzzing them reaches an upstream, as in use. */
  let upstream: StandinLangflow

  beforeAll(async () => {
    upstream = await startStandinLangflow({ tokenDelayMs: 0 })
    dataDir = join(tempDir('flowkeys-fuzz-'), 'data')
    // Ids that exist, so that the fuzzing reaches past "not found" into the real handlers.
    const core = await openCore({ dataDir, env: await storeEnv(dataDir) })
    const admin = core.desktopActor()
    const alice = await core.users.create(admin, {
      username: 'alice',
      password: 'alice-password',
      is_active: true
    })
    const { api_key: key } = await core.keys.create(admin, { name: 'fuzzer' })
    const other = await core.keys.create(admin, { name: 'other' })
    const variable = await core.variables.create(admin.id, {
      name: 'FUZZ_TARGET',
      value: 'fuzz-value',
      type: 'Generic'
    })
    knownIds = [admin.id, alice.id, other.key.id, variable.id]
    await core.close()
    // Usage tracking off: its flush a second later could land during a refused request and look like a change.
    server = await ServerProcess.fixture(dataDir, {
      maxFailures: 1_000_000,
      env: {
        LANGFLOW_DISABLE_TRACK_APIKEY_USAGE: 'true',
        FLOWKEYS_UPSTREAM_URL: upstream.url,
        FLOWKEYS_UPSTREAM_API_KEY: upstream.apiKey
      }
    })
    const login = await call(server.url, '/api/v1/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=langflow&password=langflow'
    })
    expect(login.status, login.text).toBe(200)
    const token = (login.json() as { access_token: string }).access_token
    auth = {
      bearer: { authorization: `Bearer ${token}` },
      cookie: { cookie: `access_token_lf=${token}` },
      key: { 'x-api-key': key },
      none: {}
    }
    routes = routesOf((await call(server.url, '/openapi.json')).json() as never)
  })

  afterAll(async () => {
    await upstream?.close()
    if (!server) return
    expect(server.alive, 'the server crashed').toBe(true)
    expect((await call(server.url, '/health')).status).toBe(200)
    expect(await server.stop()).toBe(0)
    // The error log holds only unexpected failures (500s): there must be none.
    expect(server.output).not.toMatch(/ ERROR /)
  })

  /** Sends one request; checks it is answered (< 500, JSON) and that a refused one left the store as it was. */
  async function probe(
    route: Route,
    path: string,
    headers: Record<string, string>,
    body?: string | Buffer
  ): Promise<Answer> {
    const before = await storeState(dataDir)
    const answer = await call(server.url, path, { method: route.method, headers, body })
    const where = `${route.method} ${path} -> ${answer.status} ${answer.text.slice(0, 200)}`
    expect(answer.status, where).toBeGreaterThanOrEqual(200)
    expect(answer.status, where).toBeLessThan(500)
    if (answer.status !== 204) expect(() => JSON.parse(answer.text), where).not.toThrow()
    if (answer.status >= 400)
      expect((await storeState(dataDir)).equals(before), `${where}: the store changed`).toBe(true)
    return answer
  }

  function fuzz(route: Route): Promise<void> {
    const segment = fc.oneof(
      fc.uuid().map(encodeURIComponent),
      fc.constantFrom(...knownIds),
      fc.string().map(encodeURIComponent),
      fc.string({ unit: 'grapheme' }).map(encodeURIComponent),
      fc.constantFrom(...RAW_SEGMENTS)
    )
    const query = fc.array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...route.queryParams, 'x-api-key'), fc.string()),
        fc.oneof(
          fc.string(),
          fc.integer().map(String),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? '')
        )
      ),
      { maxLength: 4 }
    )
    const value = valueFor(route.body, knownIds)
    const body = fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .tuple(fc.constantFrom(...route.contentTypes, 'application/json'), value)
          .map(([type, v]) => ({
            type,
            text: type.includes('urlencoded') ? formEncode(v) : JSON.stringify(v)
          }))
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.constantFrom(
              'application/json',
              'text/plain',
              'application/x-www-form-urlencoded',
              'multipart/form-data; boundary=x'
            ),
            fc.string()
          )
          .map(([type, text]) => ({ type, text }))
      },
      { weight: 1, arbitrary: fc.constant(undefined) }
    )
    return fc.assert(
      fc.asyncProperty(
        fc.array(segment, { minLength: route.pathParams.length, maxLength: route.pathParams.length }),
        query,
        body,
        fc.constantFrom('bearer', 'bearer', 'key', 'cookie', 'none'),
        fc.oneof(fc.constant(null), fc.string()),
        async (segments, params, payload, who, wrongKey) => {
          let path = route.template
          route.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, segments[i]!)))
          if (params.length)
            path +=
              '?' + params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
          const headers: Record<string, string> = { ...auth[who] }
          // A header value must be a valid HTTP token string: arbitrary text goes through the query instead.
          if (wrongKey !== null && who === 'none')
            path += `${path.includes('?') ? '&' : '?'}x-api-key=${encodeURIComponent(wrongKey)}`
          if (payload) headers['content-type'] = payload.type
          await probe(route, path, headers, payload?.text)
        }
      ),
      { numRuns: RUNS }
    )
  }

  it.each(CONTRACT_ROUTES)('%s: never a 500, never a changed store after a refusal', async (name) => {
    const route = routes.get(name)
    expect(route, `${name} is missing from the server's OpenAPI document`).toBeDefined()
    await fuzz(route!)
  })

  it("every other route of the server's OpenAPI document", async () => {
    const others = [...routes.keys()].filter((name) => !CONTRACT_ROUTES.includes(name))
    // Derived from the server's document: without this, a document that lost its routes would pass unfuzzed.
    expect(others).toEqual(expect.arrayContaining(OTHER_ROUTES))
    for (const name of others) await fuzz(routes.get(name)!)
  })

  it('raw bytes, broken JSON and wrong content types on every body route', async () => {
    const withBody = [...routes.values()].filter((r) => r.contentTypes.length > 0)
    expect(withBody.length).toBeGreaterThan(3)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...withBody),
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom(
          'application/json',
          'application/json; charset=latin1',
          'application/x-www-form-urlencoded',
          'text/plain',
          'application/octet-stream'
        ),
        async (route, bytes, type) => {
          const path = route.template.replace(/\{[^}]+\}/g, () => knownIds[1]!)
          await probe(route, path, { ...auth.bearer, 'content-type': type }, Buffer.from(bytes))
        }
      ),
      { numRuns: 60 }
    )
  })
})
