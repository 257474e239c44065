import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cliEnv, flowkeys } from '../cli/helpers'
import { BASIC_PROMPTING_ID } from '../fixtures/langflow-upstream/flows'
import { post, startTestServer } from '../fixtures/server/harness'
import { send } from '../server/http'
import { serve } from '../server/serve-process'
import { tempDir } from '../helpers/tmp'
import { startGateway, startUnlinked } from './helpers'

const root = tempDir('flowkeys-upstream-')

describe('an upstream that fails', () => {
  it('down: 502 naming the upstream, never its key', async () => {
    const gw = await startGateway()
    await gw.upstream.close()
    const answer = await post(
      `${gw.server.url}/api/v1/run/${BASIC_PROMPTING_ID}`,
      {},
      { 'x-api-key': gw.key }
    )
    expect(answer.status).toBe(502)
    expect(answer.json()).toEqual({
      detail: `The Langflow upstream at ${gw.upstream.url} refused the connection (is Langflow running there?)`
    })
    expect(answer.text).not.toContain(gw.upstream.apiKey)
  })

  it('silent past FLOWKEYS_UPSTREAM_TIMEOUT: 504', async () => {
    const gw = await startGateway({ delayMs: 2_000 }, { FLOWKEYS_UPSTREAM_TIMEOUT: '0.3' })
    const answer = await post(
      `${gw.server.url}/api/v1/run/${BASIC_PROMPTING_ID}`,
      {},
      { 'x-api-key': gw.key }
    )
    expect(answer.status).toBe(504)
    expect(answer.json()).toEqual({
      detail: `The Langflow upstream at ${gw.upstream.url} did not answer within 0 s`
    })
  })

  it("refusing FlowKeys' key for it: 502 that says so (the caller's own key was fine)", async () => {
    const gw = await startGateway({ rejectKey: 403 })
    const answer = await post(
      `${gw.server.url}/api/v1/run/${BASIC_PROMPTING_ID}`,
      {},
      { 'x-api-key': gw.key }
    )
    expect(answer.status).toBe(502)
    expect((answer.json() as { detail: string }).detail).toBe(
      `The Langflow upstream at ${gw.upstream.url} refused FlowKeys' API key for it (403): set a valid one with \`flowkeys upstream set\``
    )
    expect(answer.text).not.toContain(gw.upstream.apiKey)
  })

  it('none set: 503 with what to do', async () => {
    const server = await startTestServer(root)
    try {
      const { api_key } = await server.core.keys.create(server.admin, { name: 'k' })
      const answer = await post(
        `${server.url}/api/v1/run/${BASIC_PROMPTING_ID}`,
        {},
        { 'x-api-key': api_key }
      )
      expect(answer.status).toBe(503)
      expect(answer.json()).toEqual({
        detail: 'No Langflow upstream is set: run `flowkeys upstream set URL` or set FLOWKEYS_UPSTREAM_URL'
      })
    } finally {
      await server.close()
    }
  })
})

describe('webhooks, files and the older process call', () => {
  it('forwards a webhook payload as it came, with no credential added', async () => {
    const gw = await startGateway({ honourGlobalVarHeaders: true })
    await gw.server.core.variables.create(gw.server.admin.id, {
      name: 'OPENAI_API_KEY',
      value: 'sk-not-for-webhooks'
    })
    const payload = '{"event": "order.created", "id": 42}'
    const answer = await post(`${gw.server.url}/api/v1/webhook/${BASIC_PROMPTING_ID}`, JSON.parse(payload), {
      'x-api-key': gw.key
    })
    expect(answer.status).toBe(202)
    expect(answer.json()).toEqual({ message: 'Task started in the background', status: 'in progress' })
    const hook = gw.upstream.received.find((r) => r.path.startsWith('/api/v1/webhook/'))!
    expect(hook.body).toEqual(JSON.parse(payload))
    expect(hook.globalVarHeaders).toEqual({})
    expect(JSON.stringify(gw.upstream.received)).not.toContain('sk-not-for-webhooks')
  })

  it("uploads a flow's file and the user's files with the official client, streamed", async () => {
    const gw = await startGateway()
    const client = gw.client()
    const bytes = Buffer.alloc(300_000, 7)
    const uploaded = await client.flow(BASIC_PROMPTING_ID).uploadFile(new Blob([bytes]), {})
    expect(uploaded.flowId).toBe(BASIC_PROMPTING_ID)
    expect(gw.upstream.files.flow).toEqual([
      expect.objectContaining({ flowId: BASIC_PROMPTING_ID, size: 300_000 })
    ])

    const file = await client.files.upload(new File([Buffer.from('name,value\n')], 'table.csv'))
    expect(file.name).toBe('table')
    const listed = await client.files.list()
    expect(listed.map((f) => f.name)).toEqual(['table'])
  })

  it("answers the older docs' process command through the upstream's run", async () => {
    const gw = await startGateway({ honourGlobalVarHeaders: true })
    await gw.server.core.variables.create(gw.server.admin.id, { name: 'OPENAI_API_KEY', value: 'sk-process' })
    const answer = await post(
      `${gw.server.url}/api/v1/process/${BASIC_PROMPTING_ID}`,
      { inputs: { text: 'old style' }, tweaks: {} },
      { 'x-api-key': gw.key }
    )
    expect(answer.status, answer.text).toBe(200)
    const run = gw.upstream.received.find((r) => r.path.startsWith('/api/v1/run/'))!
    expect(run.body).toEqual({ input_value: 'old style', tweaks: {} })
    expect(run.globalVarHeaders).toEqual({ OPENAI_API_KEY: 'sk-process' })
  })
})

describe('flowkeys upstream', () => {
  it('sets the upstream from stdin (never argv), shows it masked with its version, and a running server uses it', async () => {
    const { upstream, server, dataDir, env, key } = await startUnlinked({ OPENAI_API_KEY: 'sk-mine' })
    const before = await post(`${server.url}/api/v1/run/${BASIC_PROMPTING_ID}`, {}, { 'x-api-key': key })
    expect(before.status).toBe(503)

    const argv = await flowkeys(
      ['upstream', 'set', upstream.url, '--api-key', upstream.apiKey, '--data-dir', dataDir],
      { env }
    )
    expect(argv.code).toBe(2)
    expect(argv.stderr).toMatch(/unknown option '--api-key'/)

    const set = await flowkeys(['upstream', 'set', upstream.url, '--api-key-stdin', '--data-dir', dataDir], {
      env,
      input: `${upstream.apiKey}\n`
    })
    expect(set.stderr).toBe('')
    expect(set.code).toBe(0)
    expect(set.stdout).toContain(`Upstream set: ${upstream.url}`)
    expect(set.stdout).not.toContain(upstream.apiKey)
    const file = readFileSync(join(dataDir, 'upstream.json'), 'utf8')
    expect(file).not.toContain(upstream.apiKey)

    const shown = await flowkeys(['upstream', 'show', '--json', '--data-dir', dataDir], { env })
    expect(JSON.parse(shown.stdout)).toEqual({
      url: upstream.url,
      api_key: upstream.apiKey.slice(0, 8) + '*'.repeat(38),
      source: 'data-dir',
      variables: 'all',
      reachable: true,
      version: '1.9.2',
      key_accepted: true,
      problem: null,
      credentials: 'all-as-headers'
    })
    // What runs carry, as the settings and the upstream's version decide.
    const runsGet = async (extra: NodeJS.ProcessEnv) =>
      (
        await flowkeys(['upstream', 'show', '--data-dir', dataDir], { env: { ...env, ...extra } })
      ).stdout.match(/^Runs get: (.*)$/m)?.[1]
    expect(await runsGet({})).toBe("all of the caller's variables, as request variables")
    expect(await runsGet({ FLOWKEYS_UPSTREAM_VARIABLES: 'named' })).toBe(
      'the variables the flow names (read first), as request variables'
    )
    expect(await runsGet({ FLOWKEYS_UPSTREAM_CREDENTIALS: 'tweaks' })).toBe(
      'the variables the flow names (read first), as tweaks'
    )

    // The server, started before, runs through it now.
    const after = await post(
      `${server.url}/api/v1/run/${BASIC_PROMPTING_ID}`,
      { input_value: 'x' },
      { 'x-api-key': key }
    )
    expect(after.status, after.text).toBe(200)

    const cleared = await flowkeys(['upstream', 'clear', '--data-dir', dataDir], { env })
    expect(cleared.stdout.trim()).toBe('Upstream cleared.')
    const gone = await post(`${server.url}/api/v1/run/${BASIC_PROMPTING_ID}`, {}, { 'x-api-key': key })
    expect(gone.status).toBe(503)
  })

  it('--variables named: saved with the upstream, shown, and runs read the flow and carry only what it names', async () => {
    const { upstream, server, dataDir, env, key } = await startUnlinked({
      OPENAI_API_KEY: 'sk-named',
      UNUSED_SECRET: 'sk-not-named'
    })
    const set = await flowkeys(
      ['upstream', 'set', upstream.url, '--api-key-stdin', '--variables', 'named', '--data-dir', dataDir],
      { env, input: `${upstream.apiKey}\n` }
    )
    expect(set.stderr).toBe('')
    expect(set.code).toBe(0)
    const shown = await flowkeys(['upstream', 'show', '--json', '--data-dir', dataDir], { env })
    expect(JSON.parse(shown.stdout)).toMatchObject({ variables: 'named', credentials: 'named-as-headers' })

    const run = await post(
      `${server.url}/api/v1/run/${BASIC_PROMPTING_ID}`,
      { input_value: 'x' },
      { 'x-api-key': key }
    )
    expect(run.status, run.text).toBe(200)
    const received = upstream.received.find((r) => r.path.startsWith('/api/v1/run/'))!
    expect(received.globalVarHeaders).toEqual({ OPENAI_API_KEY: 'sk-named' })
    expect(upstream.received.some((r) => r.path === `/api/v1/flows/${BASIC_PROMPTING_ID}`)).toBe(true)

    // FLOWKEYS_UPSTREAM_VARIABLES, when set, wins over the saved choice.
    const overridden = await flowkeys(['upstream', 'show', '--data-dir', dataDir], {
      env: { ...env, FLOWKEYS_UPSTREAM_VARIABLES: 'all' }
    })
    expect(overridden.stdout).toContain("Runs get: all of the caller's variables, as request variables")
    const wrong = await flowkeys(
      ['upstream', 'set', upstream.url, '--api-key-stdin', '--variables', 'some', '--data-dir', dataDir],
      { env, input: `${upstream.apiKey}\n` }
    )
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toMatch(/--variables.*some.*(all, named|all,named)/)
  })

  it('refuses plain http beyond this machine, a URL with a password, and an empty key: one line, nothing stored', async () => {
    const server = await startTestServer(root)
    try {
      const env = cliEnv()
      const cases: [string, RegExp][] = [
        ['http://langflow.example.com:7860', /Plain http to langflow\.example\.com:7860 would send/],
        ['https://user:pw@langflow.example.com', /must not hold a user or password/],
        ['ftp://langflow.example.com', /must start with http:\/\/ or https:\/\//]
      ]
      for (const [url, message] of cases) {
        const result = await flowkeys(
          ['upstream', 'set', url, '--api-key-stdin', '--data-dir', server.dataDir],
          {
            env,
            input: 'sk-whatever\n'
          }
        )
        expect(result.code, url).toBe(2)
        expect(result.stderr.trim().split('\n'), url).toHaveLength(1)
        expect(result.stderr).toMatch(message)
      }
      const empty = await flowkeys(
        ['upstream', 'set', 'http://127.0.0.1:7860', '--api-key-stdin', '--data-dir', server.dataDir],
        {
          env,
          input: '\n'
        }
      )
      expect(empty.code).toBe(2)
      const shown = await flowkeys(['upstream', 'show', '--data-dir', server.dataDir], { env })
      expect(shown.stdout.trim()).toBe('No upstream is set: flowkeys upstream set URL')
    } finally {
      await server.close()
    }
  })
})

describe("the gateway's settings", () => {
  it('refuses a bad FLOWKEYS_UPSTREAM_VARIABLES or FLOWKEYS_UPSTREAM_CREDENTIALS at start: one line, exit 2 (bad usage)', async () => {
    const cases: [Record<string, string>, string][] = [
      [
        { FLOWKEYS_UPSTREAM_VARIABLES: 'some' },
        'FLOWKEYS_UPSTREAM_VARIABLES must be all or named (got some)'
      ],
      [
        { FLOWKEYS_UPSTREAM_CREDENTIALS: 'cookies' },
        'FLOWKEYS_UPSTREAM_CREDENTIALS must be auto, headers or tweaks (got cookies)'
      ]
    ]
    for (const [i, [env, message]] of cases.entries()) {
      const server = serve(['--port', '0', '--data-dir', join(root, `settings-${i}`)], env)
      expect(await server.exited).toBe(2)
      expect(server.stderr).toBe(`flowkeys: ${message}\n`)
    }
  })
})

describe('uploads', () => {
  it('stream through under LANGFLOW_MAX_FILE_SIZE_UPLOAD, not the JSON limit; past it: 413, told ahead or cut on the way', async () => {
    const gw = await startGateway({}, { LANGFLOW_MAX_FILE_SIZE_UPLOAD: '2' })
    const client = gw.client()
    // 1.5 MB: over the 1 MiB limit of JSON bodies, under this upload limit.
    const fits = await client.flow(BASIC_PROMPTING_ID).uploadFile(new Blob([Buffer.alloc(1_500_000, 1)]), {})
    expect(fits.flowId).toBe(BASIC_PROMPTING_ID)
    expect(gw.upstream.files.flow.map((f) => f.size)).toEqual([1_500_000])

    const boundary = 'flowkeys-test-boundary'
    const big = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n`),
      Buffer.alloc(3 * 1024 * 1024, 2),
      Buffer.from(`\r\n--${boundary}--\r\n`)
    ])
    const headers = { 'x-api-key': gw.key, 'content-type': `multipart/form-data; boundary=${boundary}` }
    // Declared too large: refused before anything is sent on.
    const declared = await send(`${gw.server.url}/api/v1/files/upload/${BASIC_PROMPTING_ID}`, {
      method: 'POST',
      headers,
      body: big
    })
    expect(declared.status).toBe(413)
    expect(declared.json()).toEqual({ detail: 'The file is too large (the limit is 2 MB)' })
    // Sent chunked (no length): cut once past the limit.
    const chunked = await fetch(`${gw.server.url}/api/v1/files/upload/${BASIC_PROMPTING_ID}`, {
      method: 'POST',
      headers,
      body: new Blob([big]).stream(),
      duplex: 'half'
    } as RequestInit)
    expect(chunked.status).toBe(413)
    expect(gw.upstream.files.flow.map((f) => f.size)).toEqual([1_500_000])
  })
})
