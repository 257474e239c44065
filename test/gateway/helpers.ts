import { afterAll } from 'vitest'
import { LangflowClient } from '@datastax/langflow-client'
import {
  startStandinLangflow,
  type StandinLangflow,
  type StandinOptions
} from '../fixtures/langflow-upstream/standin'
import { startTestServer, type TestServer } from '../fixtures/server/harness'
import { cliEnv } from '../cli/helpers'
import { tempDir } from '../helpers/tmp'

const root = tempDir('flowkeys-gateway-')
const running: { close(): Promise<void> }[] = []

afterAll(async () => {
  for (const item of running.splice(0).reverse()) await item.close()
})

/** A stand-in Langflow and a FlowKeys key server in front of it (closed when the file ends). */
export interface Gateway {
  upstream: StandinLangflow
  server: TestServer
  /** A key of the superuser, whose variables the runs get. */
  key: string
  /** The official JavaScript client, pointed at FlowKeys with `apiKey` (the superuser's key by default). */
  client(apiKey?: string): LangflowClient
}

export async function startGateway(
  upstreamOptions: StandinOptions = {},
  env: NodeJS.ProcessEnv = {}
): Promise<Gateway> {
  const upstream = await startStandinLangflow(upstreamOptions)
  running.push(upstream)
  const server = await startTestServer(root, {
    FLOWKEYS_UPSTREAM_URL: upstream.url,
    FLOWKEYS_UPSTREAM_API_KEY: upstream.apiKey,
    ...env
  })
  running.push(server)
  const { api_key: key } = await server.core.keys.create(server.admin, { name: 'gateway' })
  return {
    upstream,
    server,
    key,
    client: (apiKey = key) => new LangflowClient({ baseUrl: server.url, apiKey })
  }
}

/**
 * A stand-in Langflow 1.9.2 and a key server that has no upstream yet (the test sets it), with a key of the
 * superuser and the superuser's `variables`; closed when the file ends.
 */
export async function startUnlinked(variables: Record<string, string>) {
  const upstream = await startStandinLangflow({ version: '1.9.2', honourGlobalVarHeaders: true })
  running.push(upstream)
  const server = await startTestServer(root)
  running.push(server)
  const { api_key: key } = await server.core.keys.create(server.admin, { name: 'k' })
  for (const [name, value] of Object.entries(variables))
    await server.core.variables.create(server.admin.id, { name, value })
  return { upstream, server, dataDir: server.dataDir, env: cliEnv(), key }
}

/** Every place a secret could travel in a recorded upstream request, as one text. */
export function everythingReceived(upstream: StandinLangflow): string {
  return JSON.stringify(
    upstream.received.map(({ method, path, query, headers, body }) => ({
      method,
      path,
      query,
      headers,
      body
    }))
  )
}
