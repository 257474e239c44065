import { describe, expect, it } from 'vitest'
import { BASIC_PROMPTING_ENDPOINT, BASIC_PROMPTING_ID } from '../fixtures/langflow-upstream/flows'
import { get, post } from '../fixtures/server/harness'
import { everythingReceived, startGateway } from './helpers'

// Runs through FlowKeys (issue "Run flows through FlowKeys"): the official JavaScript client and plain HTTP
// against the key server, forwarded to a stand-in Langflow that records what it received.

const OPENAI = 'OPENAI_API_KEY'
const NODE = 'OpenAIModel-zTNXy'

describe('a run through FlowKeys', () => {
  it("reaches the upstream with the caller's credential as a request variable, its own key, and never the FlowKeys key", async () => {
    const gw = await startGateway({
      honourGlobalVarHeaders: true,
      variables: { [OPENAI]: 'upstream-own-value' }
    })
    const { core, admin } = gw.server
    await core.variables.create(admin.id, { name: OPENAI, value: 'sk-caller-openai-1' })

    const response = await gw.client().flow(BASIC_PROMPTING_ID).run('hello there')

    const run = gw.upstream.received.find((r) => r.path.startsWith('/api/v1/run/'))!
    expect(run.auth).toEqual({ key: gw.upstream.apiKey, via: 'header', accepted: true })
    expect(run.globalVarHeaders).toEqual({ [OPENAI]: 'sk-caller-openai-1' })
    expect(run.credentials).toEqual([
      expect.objectContaining({
        component: NODE,
        field: 'api_key',
        value: 'sk-caller-openai-1',
        source: 'header'
      })
    ])
    // The client got the flow's answer, computed from its input.
    expect(response.chatOutputText()).toBe(run.answer)
    expect(run.answer).toContain('hello there')
    // The FlowKeys key never left FlowKeys; the upstream key never reached the client.
    expect(everythingReceived(gw.upstream)).not.toContain(gw.key)
    expect(JSON.stringify(response)).not.toContain(gw.upstream.apiKey)
  })

  it('fills the credential as a tweak for an upstream older than request variables (from its version)', async () => {
    // 1.7's apply_tweaks kept load_from_db on a tweaked field: only the dict form is a literal there.
    const gw = await startGateway({
      version: '1.7.1',
      honourGlobalVarHeaders: false,
      tweaksClearLoadFromDb: false
    })
    const { core, admin } = gw.server
    await core.variables.create(admin.id, { name: OPENAI, value: 'sk-caller-openai-2' })

    await gw.client().flow(BASIC_PROMPTING_ID).run('hi')

    const run = gw.upstream.received.find((r) => r.path.startsWith('/api/v1/run/'))!
    expect(run.globalVarHeaders).toEqual({})
    expect((run.body as { tweaks: Record<string, Record<string, unknown>> }).tweaks[NODE]).toEqual({
      api_key: { value: 'sk-caller-openai-2', load_from_db: false }
    })
    expect(run.credentials).toEqual([
      expect.objectContaining({ value: 'sk-caller-openai-2', source: 'tweak' })
    ])
  })

  it("lets the client's own tweak win", async () => {
    const gw = await startGateway({ honourGlobalVarHeaders: true })
    const { core, admin } = gw.server
    await core.variables.create(admin.id, { name: OPENAI, value: 'sk-caller-openai-3' })

    await gw
      .client()
      .flow(BASIC_PROMPTING_ID)
      .run('hi', { tweaks: { [NODE]: { api_key: 'sk-from-the-client' } } })

    const run = gw.upstream.received.find((r) => r.path.startsWith('/api/v1/run/'))!
    expect((run.body as { tweaks: unknown }).tweaks).toEqual({ [NODE]: { api_key: 'sk-from-the-client' } })
    expect(run.credentials).toEqual([
      expect.objectContaining({ value: 'sk-from-the-client', source: 'tweak' })
    ])
  })

  it('with FLOWKEYS_UPSTREAM_VARIABLES=named, sends no credential a client tweak overrode', async () => {
    const gw = await startGateway({ honourGlobalVarHeaders: true }, { FLOWKEYS_UPSTREAM_VARIABLES: 'named' })
    const { core, admin } = gw.server
    await core.variables.create(admin.id, { name: OPENAI, value: 'sk-caller-openai-3' })

    await gw
      .client()
      .flow(BASIC_PROMPTING_ID)
      .run('hi', { tweaks: { [NODE]: { api_key: 'sk-from-the-client' } } })

    const run = gw.upstream.received.find((r) => r.path.startsWith('/api/v1/run/'))!
    expect(run.globalVarHeaders).toEqual({})
    expect(run.credentials).toEqual([
      expect.objectContaining({ value: 'sk-from-the-client', source: 'tweak' })
    ])
    expect(everythingReceived(gw.upstream)).not.toContain('sk-caller-openai-3')
  })

  it('uses an edit of the flow on the upstream from the next run', async () => {
    for (const scope of ['all', 'named']) {
      const gw = await startGateway({ honourGlobalVarHeaders: true }, { FLOWKEYS_UPSTREAM_VARIABLES: scope })
      const { core, admin } = gw.server
      await core.variables.create(admin.id, { name: OPENAI, value: 'sk-openai' })
      await core.variables.create(admin.id, { name: 'TEAM_OPENAI_KEY', value: 'sk-team' })
      const flow = gw.client().flow(BASIC_PROMPTING_ID)
      await flow.run('one')

      // The upstream's owner points the model at another variable.
      const edited = structuredClone(gw.upstream.flows.get(BASIC_PROMPTING_ID)!)
      const node = (
        edited.data.nodes as {
          id: string
          data: { node: { template: Record<string, { value: unknown }> } }
        }[]
      ).find((n) => n.id === NODE)!
      node.data.node.template.api_key!.value = 'TEAM_OPENAI_KEY'
      gw.upstream.flows.set(BASIC_PROMPTING_ID, edited)
      await flow.run('two')

      const runs = gw.upstream.received.filter((r) => r.path.startsWith('/api/v1/run/'))
      expect(runs.map((r) => r.credentials!.map((c) => [c.variable, c.value, c.source]))).toEqual([
        [[OPENAI, 'sk-openai', 'header']],
        [['TEAM_OPENAI_KEY', 'sk-team', 'header']]
      ])
      if (scope === 'named')
        expect(runs.map((r) => r.globalVarHeaders)).toEqual([
          { [OPENAI]: 'sk-openai' },
          { TEAM_OPENAI_KEY: 'sk-team' }
        ])
    }
  })

  it('streams: the first event reaches the client before the upstream has finished', async () => {
    const gw = await startGateway({ honourGlobalVarHeaders: true, holdStream: true })
    await gw.server.core.variables.create(gw.server.admin.id, { name: OPENAI, value: 'sk-stream' })

    const events = await gw.client().flow(BASIC_PROMPTING_ID).stream('stream me')
    const seen: string[] = []
    let releasedAt = -1
    // Node's ReadableStream is async-iterable; the client's types (undici) do not say so.
    for await (const event of events as unknown as AsyncIterable<{ event: string }>) {
      seen.push(event.event)
      if (releasedAt === -1 && event.event === 'token') {
        // A token arrived while the upstream still holds its stream open: nothing was buffered.
        await gw.upstream.whenHeld()
        expect(gw.upstream.received.at(-1)!.completed).toBe(false)
        releasedAt = seen.length
        gw.upstream.release()
      }
    }
    expect(releasedAt).toBeGreaterThan(0)
    expect(seen[0]).toBe('add_message')
    expect(seen.at(-1)).toBe('end')
    expect(gw.upstream.received.at(-1)!.completed).toBe(true)
  })

  it('takes the key from the query as Langflow does, and forwards neither it nor FlowKeys cookies', async () => {
    const gw = await startGateway({ honourGlobalVarHeaders: true })
    await gw.server.core.variables.create(gw.server.admin.id, { name: OPENAI, value: 'sk-q' })

    const answer = await post(
      `${gw.server.url}/api/v1/run/${BASIC_PROMPTING_ID}?stream=false&x-api-key=${gw.key}`,
      { input_value: 'by query' },
      { cookie: 'theme=dark' }
    )
    expect(answer.status, answer.text).toBe(200)
    const run = gw.upstream.received.find((r) => r.path.startsWith('/api/v1/run/'))!
    expect(run.query).toEqual({ stream: 'false' })
    expect(run.headers.cookie).toBeUndefined()
    expect(everythingReceived(gw.upstream)).not.toContain(gw.key)
    expect(answer.headers['set-cookie']).toBeUndefined()
  })

  it("passes the upstream's content type and caching on, never its cookies", async () => {
    const gw = await startGateway({
      honourGlobalVarHeaders: true,
      answerHeaders: {
        'set-cookie': 'langflow_session=upstream-secret; HttpOnly',
        'cache-control': 'no-store'
      }
    })
    await gw.server.core.variables.create(gw.server.admin.id, { name: OPENAI, value: 'sk-c' })
    const answer = await post(
      `${gw.server.url}/api/v1/run/${BASIC_PROMPTING_ID}`,
      { input_value: 'x' },
      {
        'x-api-key': gw.key
      }
    )
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe('application/json')
    expect(answer.headers['cache-control']).toBe('no-store')
    expect(answer.headers['set-cookie']).toBeUndefined()
    expect(answer.text).not.toContain('upstream-secret')
  })

  it('runs a flow by its endpoint name', async () => {
    const gw = await startGateway({ honourGlobalVarHeaders: true })
    await gw.server.core.variables.create(gw.server.admin.id, { name: OPENAI, value: 'sk-by-name' })
    const response = await gw.client().flow(BASIC_PROMPTING_ENDPOINT).run('named')
    expect(response.chatOutputText()).toContain('named')
    const run = gw.upstream.received.find((r) => r.path.startsWith('/api/v1/run/'))!
    expect(run.path).toBe(`/api/v1/run/${BASIC_PROMPTING_ENDPOINT}`)
    expect(run.globalVarHeaders).toEqual({ [OPENAI]: 'sk-by-name' })
  })

  it("leaves a variable the caller does not have to the upstream's own", async () => {
    const gw = await startGateway({ honourGlobalVarHeaders: true, variables: { [OPENAI]: 'upstream-own' } })
    await gw.client().flow(BASIC_PROMPTING_ID).run('no credential of mine')
    const run = gw.upstream.received.find((r) => r.path.startsWith('/api/v1/run/'))!
    expect(run.globalVarHeaders).toEqual({})
    expect(run.credentials).toEqual([expect.objectContaining({ value: 'upstream-own', source: 'stored' })])
  })
})

describe('which variables go with a run', () => {
  const flowReads = (gw: Awaited<ReturnType<typeof startGateway>>) =>
    gw.upstream.received.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/flows/'))

  it("sends every variable of the caller, and no other user's, as request variables without reading the flow", async () => {
    const gw = await startGateway({ honourGlobalVarHeaders: true })
    const { core, admin } = gw.server
    await core.variables.create(admin.id, { name: OPENAI, value: 'sk-admin-openai' })
    await core.variables.create(admin.id, { name: 'ANTHROPIC_API_KEY', value: 'sk-admin-anthropic' })
    const alice = await core.users.create(admin, { username: 'alice', password: 'alice-password-1' })
    await core.users.update(admin, alice.id, { is_active: true })
    await core.variables.create(alice.id, { name: OPENAI, value: 'sk-alice-openai' })
    await core.variables.create(alice.id, { name: 'MODEL_NAME', value: 'gpt-4o-mini', type: 'Generic' })
    const granted = await core.keys.create(
      admin,
      { name: 'a', allowed_flows: [BASIC_PROMPTING_ID] },
      alice.id
    )

    await gw.client(granted.api_key).flow(BASIC_PROMPTING_ID).run('alice')
    await gw.client().flow(BASIC_PROMPTING_ID).run('admin')

    const runs = gw.upstream.received.filter((r) => r.path.startsWith('/api/v1/run/'))
    expect(runs.map((r) => r.globalVarHeaders)).toEqual([
      { [OPENAI]: 'sk-alice-openai', MODEL_NAME: 'gpt-4o-mini' },
      { [OPENAI]: 'sk-admin-openai', ANTHROPIC_API_KEY: 'sk-admin-anthropic' }
    ])
    expect(runs.map((r) => r.credentials![0]!.value)).toEqual(['sk-alice-openai', 'sk-admin-openai'])
    expect(JSON.stringify(runs[0])).not.toContain('sk-admin')
    expect(flowReads(gw)).toEqual([])
    // Every value handed over is in the access log, by name.
    expect(
      core.accessLog
        .recent(20, (e) => e.kind === 'credential')
        .map((e) => [e.userId, e.variable, e.outcome])
        .sort()
    ).toEqual(
      [
        [alice.id, OPENAI, 'served'],
        [alice.id, 'MODEL_NAME', 'served'],
        [admin.id, OPENAI, 'served'],
        [admin.id, 'ANTHROPIC_API_KEY', 'served']
      ].sort()
    )
  })

  it('reads the flow and sends only what it names when a variable cannot go as a header', async () => {
    const odd: Record<string, Record<string, string>> = {
      'a multi-line value': { GCP_SERVICE_ACCOUNT: '{\n  "type": "service_account"\n}' },
      'a name with lower case': { openai_org: 'org-lower-case' },
      'more than the header budget': Object.fromEntries(
        Array.from({ length: 9 }, (_, i) => [`LONG_${i}`, `long-${i}-`.padEnd(1000, 'x')])
      )
    }
    for (const [why, variables] of Object.entries(odd)) {
      const gw = await startGateway({ honourGlobalVarHeaders: true })
      const { core, admin } = gw.server
      await core.variables.create(admin.id, { name: OPENAI, value: 'sk-named-only' })
      for (const [name, value] of Object.entries(variables))
        await core.variables.create(admin.id, { name, value })

      await gw.client().flow(BASIC_PROMPTING_ID).run('hi')

      const run = gw.upstream.received.find((r) => r.path.startsWith('/api/v1/run/'))!
      expect(run.globalVarHeaders, why).toEqual({ [OPENAI]: 'sk-named-only' })
      expect(
        flowReads(gw).map((r) => r.path),
        why
      ).toEqual([`/api/v1/flows/${BASIC_PROMPTING_ID}`])
      for (const value of Object.values(variables))
        expect(everythingReceived(gw.upstream), why).not.toContain(value)
    }
  })
})

describe("the client's own request variables", () => {
  for (const scope of ['all', 'named']) {
    it(`pass on, and win over the caller's stored variable of that name (${scope})`, async () => {
      const gw = await startGateway({ honourGlobalVarHeaders: true }, { FLOWKEYS_UPSTREAM_VARIABLES: scope })
      const { core, admin } = gw.server
      await core.variables.create(admin.id, { name: OPENAI, value: 'sk-stored-not-sent' })
      await core.variables.create(admin.id, { name: 'MODEL_NAME', value: 'gpt-stored', type: 'Generic' })

      const answer = await post(
        `${gw.server.url}/api/v1/run/${BASIC_PROMPTING_ID}`,
        { input_value: 'hi' },
        {
          'x-api-key': gw.key,
          [`X-LANGFLOW-GLOBAL-VAR-${OPENAI}`]: 'sk-from-the-client',
          'X-LANGFLOW-GLOBAL-VAR-TENANT': 'acme'
        }
      )
      expect(answer.status).toBe(200)

      const run = gw.upstream.received.find((r) => r.path.startsWith('/api/v1/run/'))!
      expect(run.globalVarHeaders).toEqual({
        [OPENAI]: 'sk-from-the-client',
        TENANT: 'acme',
        ...(scope === 'all' ? { MODEL_NAME: 'gpt-stored' } : {})
      })
      expect(run.credentials).toEqual([
        expect.objectContaining({ variable: OPENAI, value: 'sk-from-the-client', source: 'header' })
      ])
      expect(everythingReceived(gw.upstream)).not.toContain('sk-stored-not-sent')
      const served = core.accessLog.recent(20, (e) => e.kind === 'credential').map((e) => e.variable)
      expect(served).toEqual(scope === 'all' ? ['MODEL_NAME'] : [])
    })
  }
})

describe('a Credential in a Session ID field', () => {
  it('is refused when the flow is read (FLOWKEYS_UPSTREAM_VARIABLES=named), as Langflow refuses it', async () => {
    const gw = await startGateway({ honourGlobalVarHeaders: true }, { FLOWKEYS_UPSTREAM_VARIABLES: 'named' })
    const { core, admin } = gw.server
    await core.variables.create(admin.id, { name: OPENAI, value: 'sk-not-a-session-id' })
    const edited = structuredClone(gw.upstream.flows.get(BASIC_PROMPTING_ID)!)
    const chatInput = (
      edited.data.nodes as { id: string; data: { node: { template: Record<string, object> } } }[]
    ).find((n) => n.id === 'ChatInput-jFwUm')!
    chatInput.data.node.template.session_id = {
      ...chatInput.data.node.template.session_id,
      load_from_db: true,
      value: OPENAI
    }
    gw.upstream.flows.set(BASIC_PROMPTING_ID, edited)

    const answer = await post(
      `${gw.server.url}/api/v1/run/${BASIC_PROMPTING_ID}`,
      {},
      { 'x-api-key': gw.key }
    )
    expect(answer.status).toBe(400)
    expect(answer.json()).toEqual({
      detail: `variable ${OPENAI} of type 'Credential' cannot be used in a Session ID field because its purpose is to prevent the exposure of values.`
    })
    expect(gw.upstream.received.filter((r) => r.path.startsWith('/api/v1/run/'))).toEqual([])
    expect(everythingReceived(gw.upstream)).not.toContain('sk-not-a-session-id')
  })
})

describe('who may run flows', () => {
  it('refuses a revoked key at once, and the upstream hears nothing', async () => {
    const gw = await startGateway({ honourGlobalVarHeaders: true })
    const { core, admin } = gw.server
    const created = await core.keys.create(admin, { name: 'short-lived' })
    await core.keys.revoke(admin, created.key.id)
    const answer = await post(
      `${gw.server.url}/api/v1/run/${BASIC_PROMPTING_ID}`,
      {},
      { 'x-api-key': created.api_key }
    )
    expect(answer.status).toBe(403)
    expect(answer.json()).toEqual({ detail: 'Invalid or missing API key' })
    expect(gw.upstream.received).toEqual([])
  })

  it('refuses a user without a grant; a key a superuser limited to a flow runs that flow, by id or name, and no other', async () => {
    const gw = await startGateway({ honourGlobalVarHeaders: true })
    const { core, admin } = gw.server
    const alice = await core.users.create(admin, { username: 'alice', password: 'alice-password-1' })
    await core.users.update(admin, alice.id, { is_active: true })
    await core.variables.create(alice.id, { name: OPENAI, value: 'sk-alice' })
    const plain = await core.keys.create({ id: alice.id, is_superuser: false }, { name: 'plain' })

    const refused = await post(
      `${gw.server.url}/api/v1/run/${BASIC_PROMPTING_ID}`,
      {},
      { 'x-api-key': plain.api_key }
    )
    expect(refused.status).toBe(403)
    expect((refused.json() as { detail: string }).detail).toMatch(
      /Only superusers, and keys a superuser limited/
    )
    expect(gw.upstream.received).toEqual([])

    // Alice cannot grant herself flows.
    const selfGrant = await post(
      `${gw.server.url}/api/v1/api_key/`,
      { name: 'mine', allowed_flows: [BASIC_PROMPTING_ID] },
      { 'x-api-key': plain.api_key }
    )
    expect(selfGrant.status).toBe(403)
    expect((selfGrant.json() as { detail: string }).detail).toMatch(
      /Only a superuser can limit a key to flows/
    )

    const granted = await core.keys.create(
      admin,
      { name: 'granted', allowed_flows: [BASIC_PROMPTING_ID] },
      alice.id
    )
    expect(granted.key.allowed_flows).toEqual([BASIC_PROMPTING_ID])
    const byId = await gw.client(granted.api_key).flow(BASIC_PROMPTING_ID).run('alice runs')
    expect(byId.chatOutputText()).toContain('alice runs')
    const byName = await gw.client(granted.api_key).flow(BASIC_PROMPTING_ENDPOINT).run('by name')
    expect(byName.chatOutputText()).toContain('by name')
    const runs = gw.upstream.received.filter((r) => r.path.startsWith('/api/v1/run/'))
    expect(runs.map((r) => r.globalVarHeaders)).toEqual([{ [OPENAI]: 'sk-alice' }, { [OPENAI]: 'sk-alice' }])

    const other = await post(
      `${gw.server.url}/api/v1/run/another-flow`,
      { input_value: 'x' },
      { 'x-api-key': granted.api_key }
    )
    expect(other.status).toBe(403)
    expect(other.json()).toEqual({ detail: 'This API key may not run the flow another-flow' })
    expect(gw.upstream.received.filter((r) => r.path.startsWith('/api/v1/run/'))).toHaveLength(2)
    // Files of the upstream's owner stay with superusers.
    expect((await get(`${gw.server.url}/api/v2/files`, { 'x-api-key': granted.api_key })).status).toBe(403)
  })

  it("limits a superuser's key to its flows too", async () => {
    const gw = await startGateway({ honourGlobalVarHeaders: true })
    const limited = await gw.server.core.keys.create(gw.server.admin, {
      name: 'one-flow',
      allowed_flows: ['some-other']
    })
    const answer = await post(
      `${gw.server.url}/api/v1/run/${BASIC_PROMPTING_ID}`,
      {},
      { 'x-api-key': limited.api_key }
    )
    expect(answer.status).toBe(403)
    expect(gw.upstream.received.filter((r) => r.path.startsWith('/api/v1/run/'))).toEqual([])
  })
})
