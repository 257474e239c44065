import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccessEntry } from '../../src/main/audit/access-log'
import { ACCESS_LOG_FILE } from '../../src/main/audit/access-log'
import {
  filesContaining,
  key,
  startVariablesServer,
  starterFlow,
  userWithKey,
  ownerWithKey,
  type TestUser,
  type VariablesServer
} from '../fixtures/server/variables/harness'
import { tempDir } from '../helpers/tmp'
import { send, sendJson, type RawResponse } from './http'

const root = tempDir('flowkeys-routes-flowkeys-')

const OPENAI_NODE = 'OpenAIModel-zTNXy'
const CHAT_INPUT = 'ChatInput-jFwUm'
/**
 * A provider variable only the server's environment holds: listed for the environment, but not imported into the
 * store (LANGFLOW_STORE_ENVIRONMENT_VARIABLES off), so only the fallback reads it.
 */
const ENV_ONLY = 'FLOWKEYS_TEST_ENV_ONLY_TOKEN'

const SECRETS = {
  openai: 'sk-alice-openai-PLAINTEXT-1001',
  generic: 'alice-generic-PLAINTEXT-1002',
  bob: 'sk-bob-openai-PLAINTEXT-1003',
  env: 'env-only-PLAINTEXT-1004',
  tweak: 'sk-from-tweak-PLAINTEXT-1005'
}

const ENV_SETTINGS = {
  [ENV_ONLY]: SECRETS.env,
  LANGFLOW_VARIABLES_TO_GET_FROM_ENVIRONMENT: ENV_ONLY,
  LANGFLOW_STORE_ENVIRONMENT_VARIABLES: 'false'
}

function json(res: RawResponse): Record<string, unknown> {
  return res.json() as Record<string, unknown>
}

function credential(server: VariablesServer, name: string, headers: Record<string, string>) {
  return send(`${server.url}/api/v1/flowkeys/credentials/${encodeURIComponent(name)}`, { headers })
}

function resolve(server: VariablesServer, body: unknown, headers: Record<string, string>) {
  return sendJson(`${server.url}/api/v1/flowkeys/resolve`, 'POST', body, headers)
}

/** The credential reads recorded since `since` entries were in the log, oldest first, without their time. */
function credentialReads(server: VariablesServer, since: number): Omit<AccessEntry, 'time'>[] {
  return server.core.accessLog
    .recent(10_000, (e) => e.kind === 'credential')
    .reverse()
    .slice(since)
    .map(({ time: _time, ...rest }) => rest)
}

function readCount(server: VariablesServer): number {
  return server.core.accessLog.recent(10_000, (e) => e.kind === 'credential').length
}

const read = (user: TestUser, variable: string, outcome: AccessEntry['outcome']) => ({
  kind: 'credential',
  keyId: user.keyId,
  keyName: user.keyName,
  userId: user.id,
  variable,
  outcome
})

describe('with LANGFLOW_FALLBACK_TO_ENV_VAR on (the default)', () => {
  let server: VariablesServer
  let alice: TestUser
  let bob: TestUser
  let carol: TestUser

  beforeAll(async () => {
    server = await startVariablesServer(root, ENV_SETTINGS)
    alice = await userWithKey(server, 'alice')
    bob = await userWithKey(server, 'bob')
    carol = await userWithKey(server, 'carol')
    await server.core.variables.create(alice.id, { name: 'OPENAI_API_KEY', value: SECRETS.openai })
    await server.core.variables.create(alice.id, { name: 'MODEL', value: SECRETS.generic, type: 'Generic' })
    await server.core.variables.create(bob.id, { name: 'OPENAI_API_KEY', value: SECRETS.bob })
  })

  afterAll(async () => {
    await server.close()
  })

  describe('GET /api/v1/flowkeys/credentials/{name}', () => {
    it("serves the caller's own value, Credential or Generic, and records the read", async () => {
      const since = readCount(server)
      const res = await credential(server, 'OPENAI_API_KEY', key(alice))
      expect(res.status).toBe(200)
      expect(res.json()).toEqual({ name: 'OPENAI_API_KEY', type: 'Credential', value: SECRETS.openai })
      expect(res.headers['cache-control']).toBe('no-store')

      const generic = await credential(server, 'MODEL', key(alice))
      expect(generic.json()).toEqual({ name: 'MODEL', type: 'Generic', value: SECRETS.generic })

      const bobs = await credential(server, 'OPENAI_API_KEY', key(bob))
      expect(bobs.json()).toEqual({ name: 'OPENAI_API_KEY', type: 'Credential', value: SECRETS.bob })

      expect(credentialReads(server, since)).toEqual([
        read(alice, 'OPENAI_API_KEY', 'served'),
        read(alice, 'MODEL', 'served'),
        read(bob, 'OPENAI_API_KEY', 'served')
      ])
    })

    it("404 `<NAME> variable not found.` for a missing name and for another user's variable", async () => {
      const since = readCount(server)
      const missing = await credential(server, 'ANTHROPIC_API_KEY', key(alice))
      expect(missing.status).toBe(404)
      expect(missing.json()).toEqual({ detail: 'ANTHROPIC_API_KEY variable not found.' })

      const othersOnly = await credential(server, 'MODEL', key(bob))
      expect(othersOnly.status).toBe(404)
      expect(othersOnly.json()).toEqual({ detail: 'MODEL variable not found.' })

      expect(credentialReads(server, since)).toEqual([
        read(alice, 'ANTHROPIC_API_KEY', 'not_found'),
        read(bob, 'MODEL', 'not_found')
      ])
    })

    it('accepts an access token (no key to record) and refuses a bad key, recording the refusal', async () => {
      const since = readCount(server)
      const tokens = await server.core.auth.login(alice.username, alice.password)
      const viaToken = await credential(server, 'OPENAI_API_KEY', {
        authorization: `Bearer ${tokens.access_token}`
      })
      expect(viaToken.status).toBe(200)
      expect(json(viaToken).value).toBe(SECRETS.openai)

      const badKey = await credential(server, 'OPENAI_API_KEY', { 'x-api-key': 'sk-wrong' })
      expect(badKey.status).toBe(403)
      expect(badKey.json()).toEqual({ detail: 'Invalid or missing API key' })

      const noKey = await credential(server, 'OPENAI_API_KEY', {})
      expect(noKey.status).toBe(403)

      expect(credentialReads(server, since)).toEqual([
        {
          kind: 'credential',
          keyId: null,
          keyName: null,
          userId: alice.id,
          variable: 'OPENAI_API_KEY',
          outcome: 'served'
        },
        ...Array(2).fill({
          kind: 'credential',
          keyId: null,
          keyName: null,
          userId: null,
          variable: 'OPENAI_API_KEY',
          outcome: 'refused'
        })
      ])
    })

    it('takes names that need percent-encoding', async () => {
      await server.core.variables.create(alice.id, { name: 'my key/v2', value: 'spaced', type: 'Generic' })
      const res = await credential(server, 'my key/v2', key(alice))
      expect(res.status).toBe(200)
      expect(json(res).value).toBe('spaced')
    })
  })

  describe('POST /api/v1/flowkeys/resolve', () => {
    it("fills the OpenAI node's api_key of a real starter flow with the caller's variable", async () => {
      const since = readCount(server)
      const res = await resolve(server, { flow: starterFlow() }, key(alice))
      expect(res.status).toBe(200)
      expect(res.json()).toEqual({
        tweaks: { [OPENAI_NODE]: { api_key: SECRETS.openai } },
        fields: [{ node_id: OPENAI_NODE, field: 'api_key', source: 'variable', variable: 'OPENAI_API_KEY' }]
      })
      expect(credentialReads(server, since)).toEqual([read(alice, 'OPENAI_API_KEY', 'served')])

      // Each user gets their own value.
      const bobs = await resolve(server, { flow: starterFlow() }, key(bob))
      expect(json(bobs).tweaks).toEqual({ [OPENAI_NODE]: { api_key: SECRETS.bob } })
    })

    it('takes the flow export itself, `{flow: {nodes}}` and `{flow: [nodes]}`', async () => {
      const expected = { [OPENAI_NODE]: { api_key: SECRETS.openai } }
      const flow = starterFlow()
      for (const body of [flow, { flow: { nodes: flow.data.nodes } }, { flow: flow.data.nodes }]) {
        const res = await resolve(server, body, key(alice))
        expect(res.status).toBe(200)
        expect(json(res).tweaks).toEqual(expected)
      }
    })

    it("a tweak wins over the variable, reads nothing, and the caller's other tweaks are passed on", async () => {
      const since = readCount(server)
      const tweaks = {
        [OPENAI_NODE]: { api_key: SECRETS.tweak, temperature: 0.2 },
        [CHAT_INPUT]: { input_value: 'hi' }
      }
      const res = await resolve(server, { flow: starterFlow(), tweaks }, key(alice))
      expect(res.status).toBe(200)
      expect(res.json()).toEqual({
        tweaks: {
          [OPENAI_NODE]: { temperature: 0.2, api_key: SECRETS.tweak },
          [CHAT_INPUT]: { input_value: 'hi' }
        },
        fields: [{ node_id: OPENAI_NODE, field: 'api_key', source: 'tweak', variable: null }]
      })
      expect(credentialReads(server, since)).toEqual([])
    })

    it('a value set in the flow wins over the variable and is left to the flow', async () => {
      const flow = starterFlow()
      const apiKey = flow.data.nodes.find((n) => n.id === OPENAI_NODE)?.data.node.template.api_key
      if (!apiKey) throw new Error('the starter flow has no api_key field')
      Object.assign(apiKey, { load_from_db: false, value: 'sk-literal-in-flow' })
      const res = await resolve(server, { flow }, key(alice))
      expect(res.json()).toEqual({
        tweaks: {},
        fields: [{ node_id: OPENAI_NODE, field: 'api_key', source: 'flow', variable: null }]
      })
    })

    it("falls back to the server environment for the machine owner's account, and for no other user", async () => {
      const owner = await ownerWithKey(server)
      const since = readCount(server)
      const tweaks = { [OPENAI_NODE]: { api_key: { value: ENV_ONLY, load_from_db: true } } }
      const res = await resolve(server, { flow: starterFlow(), tweaks }, key(owner))
      expect(res.status).toBe(200)
      expect(res.json()).toEqual({
        tweaks: { [OPENAI_NODE]: { api_key: SECRETS.env } },
        fields: [{ node_id: OPENAI_NODE, field: 'api_key', source: 'env', variable: ENV_ONLY }]
      })
      const other = await resolve(server, { flow: starterFlow(), tweaks }, key(alice))
      expect(other.status).toBe(400)
      expect(other.json()).toEqual({ detail: `${ENV_ONLY} variable not found.` })
      expect(other.text).not.toContain(SECRETS.env)
      expect(credentialReads(server, since)).toEqual([
        read(owner, ENV_ONLY, 'served'),
        read(alice, ENV_ONLY, 'not_found')
      ])
    })

    it('400 `<NAME> variable not found.` when neither the user nor the environment has it', async () => {
      const since = readCount(server)
      const res = await resolve(server, { flow: starterFlow() }, key(carol))
      expect(res.status).toBe(400)
      expect(res.json()).toEqual({ detail: 'OPENAI_API_KEY variable not found.' })
      expect(credentialReads(server, since)).toEqual([read(carol, 'OPENAI_API_KEY', 'not_found')])
    })

    it('400 with the Session ID guard when a Credential would fill session_id, and serves nothing', async () => {
      const since = readCount(server)
      const tweaks = { [CHAT_INPUT]: { session_id: { value: 'OPENAI_API_KEY', load_from_db: true } } }
      const res = await resolve(server, { flow: starterFlow(), tweaks }, key(alice))
      expect(res.status).toBe(400)
      expect(res.json()).toEqual({
        detail:
          "variable OPENAI_API_KEY of type 'Credential' cannot be used in a Session ID field because its purpose is to prevent the exposure of values."
      })
      expect(res.text).not.toContain(SECRETS.openai)
      // The api_key field was resolved too, but nothing left the server: only the refusal is recorded.
      expect(credentialReads(server, since)).toEqual([read(alice, 'OPENAI_API_KEY', 'refused')])

      // A Generic may fill session_id.
      const generic = { [CHAT_INPUT]: { session_id: { value: 'MODEL', load_from_db: true } } }
      const ok = await resolve(server, { flow: starterFlow(), tweaks: generic }, key(alice))
      expect(ok.status).toBe(200)
      expect(json(ok).tweaks).toEqual({
        [CHAT_INPUT]: { session_id: SECRETS.generic },
        [OPENAI_NODE]: { api_key: SECRETS.openai }
      })
    })

    it('the code field is never tweaked into a credential', async () => {
      const tweaks = { [OPENAI_NODE]: { code: { value: 'OPENAI_API_KEY', load_from_db: true } } }
      const res = await resolve(server, { flow: starterFlow(), tweaks }, key(alice))
      expect(res.status).toBe(200)
      expect((json(res).fields as { field: string }[]).map((f) => f.field)).toEqual(['api_key'])
    })

    it('422 for a body that is no flow, before anything is read', async () => {
      const since = readCount(server)
      const empty = await resolve(server, {}, key(alice))
      expect(empty.status).toBe(422)
      expect(empty.json()).toEqual({
        detail: [{ type: 'missing', loc: ['body', 'flow'], msg: 'Field required' }]
      })

      const badTweaks = await resolve(server, { flow: starterFlow(), tweaks: [1] }, key(alice))
      expect(badTweaks.status).toBe(422)
      expect((json(badTweaks).detail as { loc: unknown }[])[0]?.loc).toEqual(['body', 'tweaks'])

      const noNodes = await resolve(server, { flow: { name: 'x' } }, key(alice))
      expect(noNodes.status).toBe(422)
      expect(credentialReads(server, since)).toEqual([])
    })

    it('needs a caller', async () => {
      const res = await resolve(server, { flow: starterFlow() }, {})
      expect(res.status).toBe(403)
      const badKey = await resolve(server, { flow: starterFlow() }, { 'x-api-key': 'sk-wrong' })
      expect(badKey.status).toBe(403)
      expect(badKey.json()).toEqual({ detail: 'Invalid or missing API key' })
    })
  })

  it('documents both routes in the OpenAPI document', async () => {
    const res = await send(`${server.url}/openapi.json`)
    expect(res.status).toBe(200)
    const paths = (res.json() as { paths: Record<string, Record<string, unknown>> }).paths
    expect(Object.keys(paths['/api/v1/flowkeys/credentials/{name}'] ?? {})).toEqual(['get'])
    expect(Object.keys(paths['/api/v1/flowkeys/resolve'] ?? {})).toEqual(['post'])
    expect(Object.keys(paths['/api/v1/variables/'] ?? {}).sort()).toEqual(['get', 'post'])
    expect(Object.keys(paths['/api/v1/variables/{variable_id}'] ?? {}).sort()).toEqual(['delete', 'patch'])
  })

  describe('after the scenario', () => {
    it('no file of the data dir and no server log line holds a value; the access log file has the reads', async () => {
      await server.core.keys.flushUsage()
      for (const secret of Object.values(SECRETS)) {
        expect({ secret, files: filesContaining(server.dataDir, secret) }).toEqual({ secret, files: [] })
        expect(server.lines.filter((line) => line.includes(secret))).toEqual([])
      }
      server.core.accessLog.flush()
      const logged = readFileSync(`${server.dataDir}/${ACCESS_LOG_FILE}`, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AccessEntry)
      expect(logged.filter((e) => e.kind === 'credential' && e.outcome === 'served').length).toBeGreaterThan(
        5
      )
      expect(server.lines.some((line) => line.includes('POST /api/v1/flowkeys/resolve 200'))).toBe(true)
    })
  })
})

describe('with LANGFLOW_FALLBACK_TO_ENV_VAR=false and SKIP_AUTH_AUTO_LOGIN=true', () => {
  let server: VariablesServer
  let alice: TestUser

  beforeAll(async () => {
    server = await startVariablesServer(root, {
      ...ENV_SETTINGS,
      LANGFLOW_FALLBACK_TO_ENV_VAR: 'false',
      LANGFLOW_SKIP_AUTH_AUTO_LOGIN: 'true'
    })
    alice = await userWithKey(server, 'alice')
    await server.core.variables.create(alice.id, { name: 'OPENAI_API_KEY', value: SECRETS.openai })
  })

  afterAll(async () => {
    await server.close()
  })

  it('the environment is not read: 400 `<NAME> variable not found.`', async () => {
    const since = readCount(server)
    const tweaks = { [OPENAI_NODE]: { api_key: { value: ENV_ONLY, load_from_db: true } } }
    const res = await resolve(server, { flow: starterFlow(), tweaks }, key(alice))
    expect(res.status).toBe(400)
    expect(res.json()).toEqual({ detail: `${ENV_ONLY} variable not found.` })
    expect(res.text).not.toContain(SECRETS.env)
    expect(credentialReads(server, since)).toEqual([read(alice, ENV_ONLY, 'not_found')])

    const own = await resolve(server, { flow: starterFlow() }, key(alice))
    expect(json(own).tweaks).toEqual({ [OPENAI_NODE]: { api_key: SECRETS.openai } })
  })

  it('a request without any credential (auto-login as the superuser) gets no secret', async () => {
    const admin = server.core.superuser()
    await server.core.variables.create(admin.id, { name: 'ADMIN_SECRET', value: 'admin-PLAINTEXT-2001' })
    const since = readCount(server)

    const res = await credential(server, 'ADMIN_SECRET', {})
    expect(res.status).toBe(403)
    expect(res.json()).toEqual({ detail: 'An API key must be passed as query or header' })
    expect(res.text).not.toContain('admin-PLAINTEXT-2001')

    const flow = starterFlow()
    const tweaks = { [OPENAI_NODE]: { api_key: { value: 'ADMIN_SECRET', load_from_db: true } } }
    const resolved = await resolve(server, { flow, tweaks }, {})
    expect(resolved.status).toBe(403)
    expect(resolved.text).not.toContain('admin-PLAINTEXT-2001')

    expect(credentialReads(server, since)).toEqual([
      {
        kind: 'credential',
        keyId: null,
        keyName: null,
        userId: null,
        variable: 'ADMIN_SECRET',
        outcome: 'refused'
      }
    ])

    // The same caller may still manage variables, as Langflow lets it (the values stay hidden there).
    const listed = await send(`${server.url}/api/v1/variables/`, {})
    expect(listed.status).toBe(200)
    expect(listed.text).not.toContain('admin-PLAINTEXT-2001')
  })
})
