import { createHash } from 'node:crypto'
import { LangflowClient, type LangflowClientOptions } from '@datastax/langflow-client'
import { LangflowError, LangflowRequestError } from '@datastax/langflow-client/errors'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  BASIC_PROMPTING_ENDPOINT,
  BASIC_PROMPTING_ID,
  basicPromptingFlow,
  mainVersion,
  startStandinLangflow,
  type StandinLangflow,
  type StandinOptions
} from '../fixtures/langflow-upstream/standin'

/** The stand-in's stored OPENAI_API_KEY in most tests. */
const STORED = 'sk-upstream-stored-openai'
const OPENAI_NODE = 'OpenAIModel-zTNXy'

const running: StandinLangflow[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map((standin) => standin.close()))
})

async function start(options: StandinOptions = {}): Promise<StandinLangflow> {
  const standin = await startStandinLangflow({
    variables: { OPENAI_API_KEY: STORED },
    tokenDelayMs: 2,
    ...options
  })
  running.push(standin)
  return standin
}

/** A client of the stand-in with its key (another key, or none when ''), and any default headers. */
function clientFor(standin: StandinLangflow, apiKey = standin.apiKey, headers?: Record<string, string>) {
  // The client types its headers as undici's; the global Headers is the same class at run time.
  const defaultHeaders =
    headers && (new Headers(headers) as unknown as LangflowClientOptions['defaultHeaders'])
  return new LangflowClient({ baseUrl: standin.url, apiKey, ...(defaultHeaders ? { defaultHeaders } : {}) })
}

/** Computed here, independently of the stand-in's own helper. */
function fp(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 12)
}

async function rejection(promise: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  const error: unknown = await promise.then(
    () => null,
    (reason: unknown) => reason
  )
  expect(error).toBeInstanceOf(LangflowError)
  const response = (error as LangflowError).cause
  return { status: response.status, body: await response.json() }
}

function last(standin: StandinLangflow) {
  const record = standin.received.at(-1)
  if (!record) throw new Error('the stand-in received nothing')
  return record
}

type Event = { event: string; data: Record<string, unknown> }

async function readAll(stream: ReadableStream<unknown>): Promise<Event[]> {
  const events: Event[] = []
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return events
    events.push(value as Event)
  }
}

describe('the stand-in Langflow, driven by the real @datastax/langflow-client', () => {
  it('answers GET /api/v1/version without a key, as get_version_info does', async () => {
    const standin = await start({ version: '1.8.0' })
    const response = await fetch(`${standin.url}/api/v1/version`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ version: '1.8.0', main_version: '1.8.0', package: 'Langflow' })
    expect(mainVersion('1.8.0.rc0')).toBe('1.8.0')
    expect(mainVersion('1.12.0')).toBe('1.12.0')
  })

  it('runs the Basic Prompting flow and answers the RunResponse the client parses', async () => {
    const standin = await start()
    const response = await clientFor(standin)
      .flow(BASIC_PROMPTING_ID)
      .run('hello there', { session_id: 'chat-7' })

    expect(response.chatOutputText()).toBe(
      `Echo: hello there | api_key=${fp(STORED)} (OPENAI_API_KEY, stored)`
    )
    expect(response.sessionId).toBe('chat-7')
    expect(response.outputs).toHaveLength(1)
    expect(response.outputs[0]?.inputs).toEqual({ input_value: 'hello there' })
    const result = response.outputs[0]?.outputs[0]
    expect(Object.keys(result).sort()).toEqual([
      'artifacts',
      'component_display_name',
      'component_id',
      'duration',
      'logs',
      'messages',
      'outputs',
      'results',
      'timedelta',
      'used_frozen_result'
    ])
    expect(result.component_id).toBe('ChatOutput-Ae3Lc')
    expect(result.results.message.text).toBe(response.chatOutputText())
    expect(result.results.message.properties.source).toEqual({
      id: OPENAI_NODE,
      display_name: 'OpenAI',
      source: 'gpt-4o-mini'
    })
    expect(result.outputs.message.type).toBe('message')

    const record = last(standin)
    expect(record.method).toBe('POST')
    expect(record.path).toBe(`/api/v1/run/${BASIC_PROMPTING_ID}`)
    expect(record.query).toEqual({})
    expect(record.headers['x-api-key']).toBe(standin.apiKey)
    expect(record.headers['content-type']).toBe('application/json')
    expect(record.auth).toEqual({ key: standin.apiKey, via: 'header', accepted: true })
    expect(record.body).toEqual({
      input_type: 'chat',
      output_type: 'chat',
      input_value: 'hello there',
      tweaks: {},
      session_id: 'chat-7'
    })
    expect(record.credentials).toEqual([
      {
        component: OPENAI_NODE,
        componentName: 'OpenAI',
        field: 'api_key',
        variable: 'OPENAI_API_KEY',
        value: STORED,
        source: 'stored'
      }
    ])
    expect(record.status).toBe(200)
    await vi.waitFor(() => expect(last(standin).completed).toBe(true))
  })

  it('finds a flow by its endpoint name, and answers 404 for an unknown one', async () => {
    const standin = await start()
    const client = clientFor(standin)
    const response = await client.flow(BASIC_PROMPTING_ENDPOINT).run('by name')
    expect(response.sessionId).toBe(BASIC_PROMPTING_ID)
    expect(await rejection(client.flow('no-such-flow').run('x'))).toEqual({
      status: 404,
      body: { detail: 'Flow identifier no-such-flow not found' }
    })
  })

  it('refuses a wrong key, a missing key and a Bearer token as Langflow does', async () => {
    const standin = await start()
    expect(
      await rejection(clientFor(standin, 'sk-not-the-upstream-key').flow(BASIC_PROMPTING_ID).run('x'))
    ).toEqual({
      status: 403,
      body: { detail: 'Invalid or missing API key' }
    })
    expect(last(standin).auth).toEqual({ key: 'sk-not-the-upstream-key', via: 'header', accepted: false })
    expect(last(standin).credentials).toBeUndefined()

    expect(await rejection(clientFor(standin, '').flow(BASIC_PROMPTING_ID).run('x'))).toEqual({
      status: 403,
      body: { detail: 'An API key must be passed as query or header' }
    })

    // api_key_security reads the query parameter first.
    const viaQuery = await fetch(
      `${standin.url}/api/v1/run/${BASIC_PROMPTING_ID}?x-api-key=${standin.apiKey}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'sk-wrong' },
        body: JSON.stringify({ input_value: 'q' })
      }
    )
    expect(viaQuery.status).toBe(200)
    expect(last(standin).auth.via).toBe('query')

    // /run never reads Authorization; get_current_user takes a Bearer token for a JWT.
    const bearerRun = await fetch(`${standin.url}/api/v1/run/${BASIC_PROMPTING_ID}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${standin.apiKey}` }
    })
    expect(bearerRun.status).toBe(403)
    const bearerFlow = await fetch(`${standin.url}/api/v1/flows/${BASIC_PROMPTING_ID}`, {
      headers: { authorization: `Bearer ${standin.apiKey}` }
    })
    expect(bearerFlow.status).toBe(401)
    expect(await bearerFlow.json()).toEqual({ detail: 'Could not validate credentials' })
  })

  it('records the tweaks and lets a tweak replace a load_from_db credential', async () => {
    const standin = await start()
    const flow = clientFor(standin)
      .flow(BASIC_PROMPTING_ID)
      .tweak(OPENAI_NODE, { api_key: 'sk-caller-tweak' })
    const response = await flow.run('tweaked')
    expect(response.chatOutputText()).toBe(`Echo: tweaked | api_key=${fp('sk-caller-tweak')} (-, tweak)`)
    expect((last(standin).body as { tweaks: unknown }).tweaks).toEqual({
      [OPENAI_NODE]: { api_key: 'sk-caller-tweak' }
    })
    expect(last(standin).credentials).toEqual([
      expect.objectContaining({ variable: null, value: 'sk-caller-tweak', source: 'tweak' })
    ])

    // Older apply_tweaks kept load_from_db: the tweak is then taken for a variable name.
    standin.settings.tweaksClearLoadFromDb = false
    const old = await rejection(flow.run('tweaked'))
    expect(old.status).toBe(500)
    expect(JSON.parse((old.body as { detail: string }).detail)).toEqual({
      message:
        'Error running graph: Error building Component OpenAI: \n\nsk-caller-tweak variable not found.',
      traceback: null,
      description: null,
      code: null,
      suggestion: null
    })
    // The dict form that names load_from_db works on both: apply_tweaks copies every key it is given.
    const portable = await clientFor(standin)
      .flow(BASIC_PROMPTING_ID)
      .run('portable', {
        tweaks: {
          [OPENAI_NODE]: { api_key: { value: 'sk-dict', load_from_db: false } }
        } as unknown as Record<string, Record<string, string>>
      })
    expect(portable.chatOutputText()).toBe(`Echo: portable | api_key=${fp('sk-dict')} (-, tweak)`)
  })

  it('honours X-LANGFLOW-GLOBAL-VAR-* headers only when told to, above stored variables and below tweaks', async () => {
    const standin = await start()
    const headers = { 'X-LANGFLOW-GLOBAL-VAR-OPENAI_API_KEY': 'sk-from-header' }
    const flow = clientFor(standin, standin.apiKey, headers).flow(BASIC_PROMPTING_ID)

    const ignored = await flow.run('one')
    expect(ignored.chatOutputText()).toBe(`Echo: one | api_key=${fp(STORED)} (OPENAI_API_KEY, stored)`)
    expect(last(standin).globalVarHeaders).toEqual({ OPENAI_API_KEY: 'sk-from-header' })

    standin.settings.honourGlobalVarHeaders = true
    const honoured = await flow.run('two')
    expect(honoured.chatOutputText()).toBe(
      `Echo: two | api_key=${fp('sk-from-header')} (OPENAI_API_KEY, header)`
    )

    const tweaked = await flow.tweak(OPENAI_NODE, { api_key: 'sk-tweak-wins' }).run('three')
    expect(last(standin).credentials?.[0]?.source).toBe('tweak')
    expect(tweaked.chatOutputText()).toContain(fp('sk-tweak-wins'))

    // The name is the header's rest upper-cased: dashes stay dashes, so this one names OPENAI-API-KEY.
    const dashed = clientFor(standin, standin.apiKey, { 'x-langflow-global-var-openai-api-key': 'sk-dash' })
    await dashed.flow(BASIC_PROMPTING_ID).run('four')
    expect(last(standin).globalVarHeaders).toEqual({ 'OPENAI-API-KEY': 'sk-dash' })
    expect(last(standin).credentials?.[0]?.source).toBe('stored')
  })

  it('fails a run whose variable resolves nowhere, with the release-dependent status', async () => {
    const standin = await start({ variables: {} })
    const flow = clientFor(standin).flow(BASIC_PROMPTING_ID)
    const failure = await rejection(flow.run('x'))
    expect(failure.status).toBe(500)
    expect(JSON.parse((failure.body as { detail: string }).detail).message).toBe(
      'Error running graph: Error building Component OpenAI: \n\nOPENAI_API_KEY variable not found.'
    )
    standin.settings.missingVariable = 'not-found'
    expect(await rejection(flow.run('x'))).toEqual({
      status: 404,
      body: {
        detail: 'Error running graph: Error building Component OpenAI: \n\nOPENAI_API_KEY variable not found.'
      }
    })
    standin.settings.fallbackToEnv = true
    standin.settings.env = { OPENAI_API_KEY: 'sk-env' }
    expect((await flow.run('y')).chatOutputText()).toBe(
      `Echo: y | api_key=${fp('sk-env')} (OPENAI_API_KEY, env)`
    )
  })

  it('validates the SimplifiedAPIRequest body with FastAPI 422s, or runs on defaults when lenient', async () => {
    const standin = await start()
    const post = (body: string, path = `/api/v1/run/${BASIC_PROMPTING_ID}`) =>
      fetch(`${standin.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': standin.apiKey },
        body
      })
    const bad = await post(JSON.stringify({ input_value: 5, input_type: 'bogus', tweaks: { X: 3 } }))
    expect(bad.status).toBe(422)
    expect(await bad.json()).toEqual({
      detail: [
        {
          type: 'string_type',
          loc: ['body', 'input_value'],
          msg: 'Input should be a valid string',
          input: 5
        },
        {
          type: 'literal_error',
          loc: ['body', 'input_type'],
          msg: "Input should be 'chat', 'text' or 'any'",
          input: 'bogus',
          ctx: { expected: "'chat', 'text' or 'any'" }
        },
        {
          type: 'string_type',
          loc: ['body', 'tweaks', 'X', 'str'],
          msg: 'Input should be a valid string',
          input: 3
        },
        {
          type: 'dict_type',
          loc: ['body', 'tweaks', 'X', 'dict[str,any]'],
          msg: 'Input should be a valid dictionary',
          input: 3
        }
      ]
    })
    expect((await post('{not json')).status).toBe(422)
    const conflict = await post(
      JSON.stringify({ input_value: 'a', tweaks: { 'ChatInput-jFwUm': { input_value: 'b' } } })
    )
    expect(conflict.status).toBe(400)
    expect(await conflict.json()).toEqual({
      detail: 'If you pass an input_value to the chat input, you cannot pass a tweak with the same name.'
    })
    expect((await post('{}', `/api/v1/run/${BASIC_PROMPTING_ID}?stream=maybe`)).status).toBe(422)

    standin.settings.bodyValidation = 'lenient'
    const lenient = await post(JSON.stringify({ input_value: 5 }))
    expect(lenient.status).toBe(200)
    const body = (await lenient.json()) as {
      outputs: { outputs: { results: { message: { text: string } } }[] }[]
    }
    // SimplifiedAPIRequest() defaults: no input_value, so the Chat Input keeps its own value ("Hello").
    expect(body.outputs[0]?.outputs[0]?.results.message.text).toBe(
      `Echo: Hello | api_key=${fp(STORED)} (OPENAI_API_KEY, stored)`
    )
  })

  it('streams add_message, token… and end as NDJSON events with blank lines between them', async () => {
    const standin = await start()
    const flow = clientFor(standin).flow(BASIC_PROMPTING_ID)
    const expected = `Echo: stream me please | api_key=${fp(STORED)} (OPENAI_API_KEY, stored)`
    const events = await readAll(await flow.stream('stream me please'))

    expect(events.map((event) => event.event)).toEqual([
      'add_message',
      'add_message',
      ...expected.split(/(?= )/).map(() => 'token'),
      'end'
    ])
    expect(events[0]?.data).toMatchObject({ sender: 'User', sender_name: 'User', text: 'stream me please' })
    expect(events[1]?.data).toMatchObject({ sender: 'Machine', sender_name: 'AI', text: '' })
    const tokens = events.filter((event) => event.event === 'token')
    expect(tokens.map((event) => event.data.chunk).join('')).toBe(expected)
    expect(new Set(tokens.map((event) => event.data.id))).toEqual(new Set([events[1]?.data.id]))
    const end = events.at(-1)?.data as {
      result: { session_id: string; outputs: { outputs: { results: { message: { text: string } } }[] }[] }
    }
    expect(end.result.session_id).toBe(BASIC_PROMPTING_ID)
    expect(end.result.outputs[0]?.outputs[0]?.results.message.text).toBe(expected)
    expect((await flow.run('stream me please')).chatOutputText()).toBe(expected)

    const record = standin.received.at(-2)
    expect(record?.query).toEqual({ stream: 'true' })
    expect(record?.stream).toBe(true)

    const raw = await fetch(`${standin.url}/api/v1/run/${BASIC_PROMPTING_ID}?stream=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': standin.apiKey },
      body: JSON.stringify({ input_value: 'raw' })
    })
    expect(raw.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const text = await raw.text()
    expect(text.startsWith('{"event": "add_message", "data": {"timestamp": "')).toBe(true)
    expect(text.endsWith('}\n\n')).toBe(true)
    const rawAnswer = `Echo: raw | api_key=${fp(STORED)} (OPENAI_API_KEY, stored)`
    expect(text.split('\n\n').filter(Boolean)).toHaveLength(2 + rawAnswer.split(/(?= )/).length + 1)
  })

  it('streams an error event when the run fails after the stream began', async () => {
    const standin = await start({ variables: {} })
    const events = await readAll(await clientFor(standin).flow(BASIC_PROMPTING_ID).stream('doomed'))
    expect(events.map((event) => event.event)).toEqual(['add_message', 'error'])
    expect(String(events[1]?.data.error)).toMatch(
      /^500: \{"message":"Error running graph: .*OPENAI_API_KEY variable not found\./
    )
  })

  it('holds a stream open until released, the first events already delivered', async () => {
    const standin = await start({ holdStream: true })
    const stream = await clientFor(standin).flow(BASIC_PROMPTING_ID).stream('wait for it')
    const reader = stream.getReader()
    const first = await reader.read()
    expect((first.value as Event).event).toBe('add_message')
    expect(last(standin).completed).toBe(false)

    await standin.whenHeld()
    const events = last(standin).response as Event[]
    expect(events.some((event) => event.event === 'end')).toBe(false)
    expect(events.filter((event) => event.event === 'token').length).toBeGreaterThan(2)
    const pending = reader.read()
    const raced = await Promise.race([
      pending,
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 50))
    ])
    expect(raced).not.toBe('still waiting') // the second add_message was already sent
    standin.release()
    const rest: Event[] = []
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      rest.push(value as Event)
    }
    expect(rest.at(-1)?.event).toBe('end')
    await vi.waitFor(() => expect(last(standin).completed).toBe(true))
  })

  it('cuts a held stream on close() and stops listening', async () => {
    const standin = await startStandinLangflow({
      variables: { OPENAI_API_KEY: STORED },
      holdStream: true,
      tokenDelayMs: 1
    })
    const reader = (await clientFor(standin).flow(BASIC_PROMPTING_ID).stream('never ends')).getReader()
    await standin.whenHeld()
    const drain = (async () => {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return 'done'
        if ((value as Event).event === 'end') return 'end'
      }
    })().catch(() => 'cut')
    await standin.close()
    expect(['cut', 'done']).toContain(await drain)
    expect(last(standin).completed).toBe(false)
    await expect(fetch(`${standin.url}/api/v1/version`)).rejects.toThrow()
  })

  it('takes a flow file upload as /api/v1/files/upload/{flow_id} answers it', async () => {
    const standin = await start()
    const uploaded = await clientFor(standin)
      .flow(BASIC_PROMPTING_ID)
      .uploadFile(new File(['some notes'], 'notes.txt', { type: 'text/plain' }))
    expect(uploaded.flowId).toBe(BASIC_PROMPTING_ID)
    expect(uploaded.filePath).toMatch(
      new RegExp(`^${BASIC_PROMPTING_ID}/\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d_notes\\.txt$`)
    )
    const record = last(standin)
    expect(record.path).toBe(`/api/v1/files/upload/${BASIC_PROMPTING_ID}`)
    expect(record.status).toBe(201)
    expect(record.files).toEqual([
      { field: 'file', filename: 'notes.txt', size: 10, contentType: 'text/plain' }
    ])
    expect(record.headers['x-api-key']).toBe(standin.apiKey)

    const missing = await fetch(`${standin.url}/api/v1/files/upload/not-a-uuid`, {
      method: 'POST',
      headers: { 'x-api-key': standin.apiKey }
    })
    expect(missing.status).toBe(422)
  })

  it('uploads and lists user files through /api/v2/files', async () => {
    const standin = await start()
    const client = clientFor(standin)
    const first = await client.files.upload(new File(['%PDF-1.4 report'], 'report.pdf'))
    const second = await client.files.upload(new File(['%PDF-1.4 again'], 'report.pdf'))
    expect(first.name).toBe('report')
    expect(second.name).toBe('report (1)')
    expect(first.size).toBe(15)
    expect(first.path).toMatch(new RegExp(`/${first.id}\\.pdf$`))
    expect(last(standin).status).toBe(201)
    expect(last(standin).response).toEqual({
      id: second.id,
      name: 'report (1)',
      path: second.path,
      size: 14,
      provider: null
    })

    const listed = await client.files.list()
    expect(listed.map((file) => [file.id, file.name, file.size])).toEqual([
      [first.id, 'report', 15],
      [second.id, 'report (1)', 14]
    ])
    expect(listed[0]?.created_at).toBeInstanceOf(Date)
    expect(Number.isNaN(listed[0]?.created_at?.getTime())).toBe(false)
    expect(last(standin).path).toBe('/api/v2/files')
  })

  it('starts a webhook run in the background and answers 202, without reading global-variable headers', async () => {
    const standin = await start({ honourGlobalVarHeaders: true })
    const response = await fetch(`${standin.url}/api/v1/webhook/${BASIC_PROMPTING_ID}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-LANGFLOW-GLOBAL-VAR-OPENAI_API_KEY': 'sk-header' },
      body: JSON.stringify({ order: 42 })
    })
    expect(response.status).toBe(202)
    expect(await response.json()).toEqual({
      message: 'Task started in the background',
      status: 'in progress'
    })
    expect(last(standin).body).toEqual({ order: 42 })
    expect(last(standin).credentials?.[0]).toMatchObject({ value: STORED, source: 'stored' })

    const empty = await fetch(`${standin.url}/api/v1/webhook/${BASIC_PROMPTING_ID}`, { method: 'POST' })
    expect(empty.status).toBe(400)
    expect(await empty.json()).toEqual({
      detail: 'Request body is empty. You should provide a JSON payload containing the flow ID.'
    })

    standin.settings.webhookAuth = true
    const unauthenticated = await fetch(`${standin.url}/api/v1/webhook/${BASIC_PROMPTING_ID}`, {
      method: 'POST',
      body: '{}'
    })
    expect(unauthenticated.status).toBe(403)
    expect(await unauthenticated.json()).toEqual({
      detail: 'API key required when webhook authentication is enabled'
    })
  })

  it('answers the deprecated /api/v1/process with 400, after the key check', async () => {
    const standin = await start()
    const withKey = await fetch(`${standin.url}/api/v1/process/${BASIC_PROMPTING_ID}`, {
      method: 'POST',
      headers: { 'x-api-key': standin.apiKey, 'content-type': 'application/json' },
      body: '{"inputs": {"text": "hi"}}'
    })
    expect(withKey.status).toBe(400)
    expect(await withKey.json()).toEqual({
      detail:
        'The /process endpoint is deprecated and will be removed in a future version. Please use /run instead.'
    })
    const withoutKey = await fetch(`${standin.url}/api/v1/process/${BASIC_PROMPTING_ID}`, { method: 'POST' })
    expect(withoutKey.status).toBe(403)
  })

  it('serves GET /api/v1/flows/{id} as FlowRead, and a test can edit the flow on the upstream', async () => {
    const standin = await start({ variables: { OPENAI_API_KEY: STORED, TEAM_OPENAI_KEY: 'sk-team' } })
    const get = (id: string) =>
      fetch(`${standin.url}/api/v1/flows/${id}`, { headers: { 'x-api-key': standin.apiKey } })
    const response = await get(BASIC_PROMPTING_ID)
    expect(response.status).toBe(200)
    const flow = (await response.json()) as Record<string, unknown>
    expect(flow).toMatchObject({
      id: BASIC_PROMPTING_ID,
      name: 'Basic Prompting',
      endpoint_name: BASIC_PROMPTING_ENDPOINT
    })
    expect(Object.keys(flow)).toEqual(
      expect.arrayContaining(['data', 'user_id', 'folder_id', 'updated_at', 'access_type'])
    )
    expect(await (await get('7b0d1c9e-0000-4000-8000-000000000000')).json()).toEqual({
      detail: 'Flow not found'
    })
    expect((await get('basic-prompting')).status).toBe(422)

    const edited = basicPromptingFlow()
    const openai = edited.data.nodes.find((node) => node.id === OPENAI_NODE)
    ;(openai?.data.node.template.api_key as { value: string }).value = 'TEAM_OPENAI_KEY'
    standin.flows.set(edited.id, edited)
    const answer = await clientFor(standin).flow(BASIC_PROMPTING_ID).run('edited')
    expect(answer.chatOutputText()).toBe(`Echo: edited | api_key=${fp('sk-team')} (TEAM_OPENAI_KEY, stored)`)
  })

  it('misbehaves on demand: a refused key, a slow answer, a cut connection', async () => {
    const standin = await start({ rejectKey: 401 })
    const flow = clientFor(standin).flow(BASIC_PROMPTING_ID)
    expect(await rejection(flow.run('x'))).toEqual({ status: 401, body: { detail: 'Inactive user' } })
    standin.settings.rejectKey = 403
    expect((await rejection(flow.run('x'))).status).toBe(403)
    standin.settings.rejectKey = false

    standin.settings.delayMs = 150
    const started = Date.now()
    await flow.run('slow')
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    standin.settings.delayMs = 0

    standin.settings.dropConnections = 'on-arrival'
    await expect(flow.run('cut')).rejects.toBeInstanceOf(LangflowRequestError)
    expect(last(standin).completed).toBe(false)
    standin.settings.dropConnections = 'mid-response'
    await expect(flow.run('half')).rejects.toThrow()
    standin.settings.dropConnections = false
    expect((await flow.run('whole')).chatOutputText()).toContain('Echo: whole')
  })
})
