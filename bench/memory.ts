import { statSync } from 'node:fs'
import { join } from 'node:path'
import { STORE_FILE } from '../src/main/store/data-file'
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

/** One server process through the mixed load: its resident memory after start, its peak, and its heap after. */
async function measure(
  ctx: BenchContext,
  dir: string,
  headers: Record<string, string>
): Promise<{ idle: number; peak: number; heap: NodeJS.MemoryUsage; requests: number } | null> {
  const server = await ServerChild.start('flowkeys', dir, ctx.env)
  try {
    const check = await get(server.url + '/api/v1/variables/', headers)
    if (check.status !== 200) throw new Error(`variables list answered ${check.status}`)
    const before = memoryOf(server.pid)
    let requests = 0
    for (const path of PATHS) {
      requests += (await load(server.url, { path, headers, connections: 4, seconds: SECONDS_PER_PATH })).total
    }
    const after = memoryOf(server.pid)
    if (!before || !after) return null
    return { idle: before.current, peak: after.peak, heap: await server.heap(), requests }
  } finally {
    await server.stop()
  }
}

/** The key server's peak resident memory with 10,000 keys and 10,000 variables, under a short mixed load. */
export async function memory(ctx: BenchContext): Promise<Section> {
  ctx.log('peak RSS with 10,000 keys and 10,000 variables')
  const { dir, keys } = await ctx.prepare('memory', {
    keys: KEYS,
    variables: VARIABLES,
    variableOptions: { generic: GENERIC }
  })
  const headers = apiKeyHeader(keys.at(-1)!)
  const runs = { flowkeys: [] as NonNullable<Awaited<ReturnType<typeof measure>>>[] }
  for (let round = 0; round < ctx.rounds; round++) {
    const product = await measure(ctx, dir, headers)
    if (!product) break
    runs.flowkeys.push(product)
  }
  if (runs.flowkeys.length === 0) {
    return {
      title: 'Peak memory',
      rows: [
        { figure: 'Server peak RSS', value: 'not measured (no /proc)', target: `< ${mb(TARGET_BYTES)}` }
      ],
      details: 'This platform has no /proc/<pid>/status.'
    }
  }
  const peak = median(runs.flowkeys.map((r) => r.peak))
  const storeBytes = statSync(join(dir, STORE_FILE)).size
  const requests = runs.flowkeys.reduce((sum, r) => sum + r.requests, 0)
  const row = (label: string, list: typeof runs.flowkeys, pick: (r: (typeof list)[number]) => number) =>
    `| ${label} | ${mb(median(list.map(pick)))} | ${mb(Math.max(...list.map(pick)))} |`
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
    details: `A key server process over a store of ${num(KEYS)} API keys and ${num(VARIABLES)} variables (${num(VARIABLES - GENERIC)} Credential, ${num(GENERIC)} Generic): a ${mb(storeBytes)} store file. Each round starts a fresh server, lists the variables once, reads its resident memory ("after start"), then drives ${SECONDS_PER_PATH} s each of \`GET /api/v1/users/whoami\`, \`GET /api/v1/variables/\` (all ${num(VARIABLES)} variables) and \`GET /api/v1/api_key/\` (all ${num(KEYS)} keys) with 4 connections, and reads the peak resident set (VmHWM in /proc/<pid>/status) and the server's own \`process.memoryUsage()\`. The server runs as \`flowkeys serve\` runs it, with V8's default heap. ${num(requests)} requests over ${runs.flowkeys.length} rounds.

| | median | highest |
|---|---|---|
${row('resident after start', runs.flowkeys, (r) => r.idle)}
${row('**peak resident (VmHWM) under load**', runs.flowkeys, (r) => r.peak)}
${row('V8 heap in use after the load', runs.flowkeys, (r) => r.heap.heapUsed)}
${row('V8 heap reserved after the load', runs.flowkeys, (r) => r.heap.heapTotal)}

What keeps it there: the store is parsed once at start and again only when another process wrote it, and written record by record, never as one multi-MB string; a listing of 10,000 keys or variables reuses frozen per-record objects and the JSON of each, and goes out to the socket as it is serialised, a piece at a time, never as one string or buffer of the whole.`
  }
}
