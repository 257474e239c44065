import { describe, expect, it } from 'vitest'
import { BASIC_PROMPTING_ID } from '../fixtures/langflow-upstream/flows'
import { curlCommands, curlHomeIn, runCurl } from '../helpers/docs-curl'
import { tempDir } from '../helpers/tmp'
import { everythingReceived, startGateway } from './helpers'

// Langflow's documented run commands, with the real curl binary, against FlowKeys in front of a stand-in Langflow
// (test/fixtures/gateway/langflow-docs-run.sh says where each comes from): only the URL and the key differ.

describe("Langflow's documented run commands through FlowKeys", () => {
  it('run as written, with the caller’s credential injected and the FlowKeys key kept back', async () => {
    const docs = curlCommands('test/fixtures/gateway/langflow-docs-run.sh')
    expect([...docs.keys()]).toEqual(['run-header', 'run-query', 'process-header'])
    const gw = await startGateway({ honourGlobalVarHeaders: true })
    await gw.server.core.variables.create(gw.server.admin.id, {
      name: 'OPENAI_API_KEY',
      value: 'sk-docs-openai'
    })
    const home = curlHomeIn(tempDir('flowkeys-gateway-curl-'))
    const env = {
      LANGFLOW_URL: gw.server.url,
      LANGFLOW_SERVER_URL: gw.server.url,
      LANGFLOW_API_KEY: gw.key,
      FLOW_ID: BASIC_PROMPTING_ID
    }
    for (const [name, command] of docs) {
      const result = await runCurl(name, command, home, env)
      expect(result.status, name).toBe(200)
      const text = JSON.stringify(result.body)
      expect(text, name).toContain('Echo: ')
      expect(text, name).not.toContain(gw.upstream.apiKey)
    }
    const runs = gw.upstream.received.filter((r) => r.path.startsWith('/api/v1/run/'))
    expect(runs).toHaveLength(3)
    for (const run of runs) expect(run.globalVarHeaders).toEqual({ OPENAI_API_KEY: 'sk-docs-openai' })
    expect(runs.map((r) => (r.body as { input_value?: string }).input_value)).toEqual([
      'hello world!',
      'hello by query',
      ''
    ])
    expect(everythingReceived(gw.upstream)).not.toContain(gw.key)
  })
})
