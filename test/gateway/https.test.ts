// A Langflow upstream behind TLS (an https:// URL, as a hosted Langflow is): runs go through with the caller's
// credential when the upstream's certificate is trusted (here through NODE_EXTRA_CA_CERTS, as an administrator would
// add a private CA), and an untrusted certificate is a 502 that names the upstream and the TLS failure, never a key.
// Over the real `flowkeys serve` (node:https loads in it) and a stand-in Langflow serving https.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { flowkeys } from '../cli/helpers'
import {
  BASIC_PROMPTING_ID,
  startStandinLangflow,
  type StandinLangflow
} from '../fixtures/langflow-upstream/standin'
import { tempDir } from '../helpers/tmp'
import { writeSelfSignedCert } from '../helpers/tls'
import { serve } from '../server/serve-process'

const root = tempDir('flowkeys-https-upstream-')
const certFile = join(root, 'upstream-cert.pem')
let upstream: StandinLangflow

beforeAll(async () => {
  const keyFile = join(root, 'upstream-key.pem')
  writeSelfSignedCert(certFile, keyFile)
  upstream = await startStandinLangflow({
    honourGlobalVarHeaders: true,
    tls: { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }
  })
})

afterAll(async () => {
  await upstream?.close()
})

/** A data folder with a FlowKeys key and the caller's OPENAI_API_KEY, and `flowkeys serve` on it. */
async function gateway(name: string, env: NodeJS.ProcessEnv): Promise<{ url: string; key: string }> {
  const dataDir = join(root, name)
  const setVar = await flowkeys(['vars', 'set', 'OPENAI_API_KEY', '--value-stdin', '--data-dir', dataDir], {
    input: 'sk-caller-over-tls'
  })
  expect(setVar.code, setVar.stderr).toBe(0)
  const made = await flowkeys(['api-key', '--json', '--data-dir', dataDir])
  expect(made.code, made.stderr).toBe(0)
  const key = (JSON.parse(made.stdout) as { api_key: string }).api_key
  const server = serve(['--port', '0', '--data-dir', dataDir], {
    FLOWKEYS_UPSTREAM_URL: upstream.url,
    FLOWKEYS_UPSTREAM_API_KEY: upstream.apiKey,
    ...env
  })
  return { url: await server.url(), key }
}

function run(url: string, key: string): Promise<Response> {
  return fetch(`${url}/api/v1/run/${BASIC_PROMPTING_ID}?stream=false`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ input_value: 'hi over tls' })
  })
}

describe('an https upstream', () => {
  it('runs a flow with the caller credential when its certificate is trusted', async () => {
    expect(upstream.url).toMatch(/^https:\/\//)
    const { url, key } = await gateway('trusted', { NODE_EXTRA_CA_CERTS: certFile })
    const before = upstream.received.length
    const response = await run(url, key)
    expect(response.status, await response.clone().text()).toBe(200)
    expect(((await response.json()) as { outputs?: unknown[] }).outputs).toBeInstanceOf(Array)
    const received = upstream.received.slice(before).find((r) => r.path.startsWith('/api/v1/run/'))
    expect(received?.globalVarHeaders).toEqual({ OPENAI_API_KEY: 'sk-caller-over-tls' })
    expect(received?.auth).toMatchObject({ key: upstream.apiKey, accepted: true })
  })

  it('answers 502 naming the upstream and the TLS failure for an untrusted certificate', async () => {
    const { url, key } = await gateway('untrusted', {})
    const before = upstream.received.length
    const response = await run(url, key)
    const text = await response.text()
    expect(response.status, text).toBe(502)
    const { detail } = JSON.parse(text) as { detail: string }
    expect(detail).toContain(`The Langflow upstream at ${upstream.url}`)
    expect(detail).toMatch(/TLS handshake \(\w+/)
    for (const secret of [upstream.apiKey, key, 'sk-caller-over-tls']) expect(text).not.toContain(secret)
    // Nothing reached the upstream: the handshake failed before any request.
    expect(upstream.received.slice(before)).toEqual([])
  })
})
