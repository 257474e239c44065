import { statSync } from 'node:fs'
import { join } from 'node:path'
import { STORE_FILE } from '../src/main/store/store'
import { get, memoryOf, ServerChild } from './children'
import { apiKeyHeader, type BenchContext, type Section } from './context'
import { load } from './load'
import { mb, median, num } from './stats'

const KEYS = 10_000
const VARIABLES = 10_000
const GENERIC = 100
const SECONDS_PER_PATH = 2
const TARGET_BYTES = 150 * 1024 * 1024
const PATHS = ['/api/v1/users/whoami', '/api/v1/variables/', '/api/v1/api_key/']

/** The key server's peak resident memory with 10,000 keys and 10,000 variables, under a short mixed load. */
export async function memory(ctx: BenchContext): Promise<Section> {
  ctx.log('peak RSS with 10,000 keys and 10,000 variables')
  const { dir, keys } = await ctx.prepare('memory', {
    keys: KEYS,
    variables: VARIABLES,
    variableOptions: { generic: GENERIC }
  })
  const headers = apiKeyHeader(keys.at(-1)!)
  const idle: number[] = []
  const peaks: number[] = []
  let requests = 0
  for (let round = 0; round < ctx.rounds; round++) {
    const server = await ServerChild.start('flowkeys', dir, ctx.env)
    try {
      const check = await get(server.url + '/api/v1/variables/', headers)
      if (check.status !== 200) throw new Error(`variables list answered ${check.status}`)
      const before = memoryOf(server.pid)
      for (const path of PATHS) {
        requests += (await load(server.url, { path, headers, connections: 4, seconds: SECONDS_PER_PATH }))
          .total
      }
      const after = memoryOf(server.pid)
      if (!before || !after) break
      idle.push(before.current)
      peaks.push(after.peak)
    } finally {
      await server.stop()
    }
  }
  if (peaks.length === 0) {
    return {
      title: 'Peak memory',
      rows: [
        { figure: 'Server peak RSS', value: 'not measured (no /proc)', target: `< ${mb(TARGET_BYTES)}` }
      ],
      details: 'This platform has no /proc/<pid>/status.'
    }
  }
  const peak = median(peaks)
  const storeBytes = statSync(join(dir, STORE_FILE)).size
  return {
    title: 'Peak memory',
    rows: [
      {
        figure: `Key server peak RSS with ${num(KEYS)} keys and ${num(VARIABLES)} variables, under load`,
        value: mb(peak),
        target: `< ${mb(TARGET_BYTES)}`,
        met: peak < TARGET_BYTES
      }
    ],
    details: `A key server process over a store of ${num(KEYS)} API keys and ${num(VARIABLES)} variables (${num(VARIABLES - GENERIC)} Credential, ${num(GENERIC)} Generic): a ${mb(storeBytes)} store file. Each round starts a fresh server, lists the variables once, reads its resident memory ("after start"), then drives ${SECONDS_PER_PATH} s each of \`GET /api/v1/users/whoami\`, \`GET /api/v1/variables/\` (all ${num(VARIABLES)} variables) and \`GET /api/v1/api_key/\` (all ${num(KEYS)} keys) with 4 connections, and reads the peak resident set (VmHWM in /proc/<pid>/status). ${num(requests)} requests over ${peaks.length} rounds.

| | median | highest |
|---|---|---|
| resident after start | ${mb(median(idle))} | ${mb(Math.max(...idle))} |
| **peak resident (VmHWM) under load** | **${mb(peak)}** | ${mb(Math.max(...peaks))} |

Why (measured while writing this benchmark): a key server process is about 75 MB resident before it opens any store (Node, Fastify, zod, the OpenAPI plugins). The whole store is one JSON file held as one object graph (about 30 MB of live heap for this store), and every write, the usage counters' flush about once a second included, re-reads and re-parses the whole file and serialises it again, so the heap briefly holds two copies plus the file's text; opening the core already parses it twice and rewrites it once (\`Vault.open\` runs a \`store.update\` on every open, even when nothing changes), which is why the server is near 150 MB before any load. Under load each full listing builds 10,000 objects, validates them with zod and serialises them (1.4 MB for the variables, 2.8 MB for the keys) per request and connection. With whoami alone the peak was about 180 MB; with the listings about 230 MB; capping V8's old space at 96 MB (\`--max-old-space-size=96\`) still gave about 177 MB. Skipping the re-parse inside \`store.update\` when the file has not changed on disk was tried and did not move the peak. Getting under 150 MB needs a store that does not rewrite everything on each write, or paginated listings (Langflow's API has none).`
  }
}
