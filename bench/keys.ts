import { generateApiKey } from '../src/main/keys/generate'
import { get, ServerChild } from './children'
import { apiKeyHeader, type BenchContext, type Section } from './context'
import { load, type LoadResult, REWARM_SECONDS, rewarm } from './load'
import { median, num, rotated, wholeMs } from './stats'

const SIZES = [10, 1_000, 10_000] as const
const CONNECTIONS = 10
const FLAT_TARGET = 1.2
const MICRO_ITERATIONS = 50_000
/**
 * Each round of the in-process benchmark is cut in this many slices, the stores taking turns slice by slice: a
 * drift of this VM's speed (it alternates slow and fast phases of seconds) then reaches every store alike. Whole
 * turns of 0.2 s each once made the 10,000-key store look 1.4x slower than the 10-key one, for a phase.
 */
const MICRO_SLICES = 10

interface Store {
  size: number
  dir: string
  key: string
}

/** ns per call of `fn` over `iterations` calls, each awaited before the next, after a warm-up of a fifth as many. */
export async function timeCalls(iterations: number, fn: () => Promise<void>): Promise<number> {
  for (let i = 0; i < iterations / 5; i++) await fn()
  const start = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) await fn()
  return Number(process.hrtime.bigint() - start) / iterations
}

/**
 * API-key verification with 10, 1,000 and 10,000 keys in the store: over HTTP (an authenticated cheap
 * endpoint) and in-process (core.keys.verify), then the full key listing with 10,000 keys.
 */
export async function keyScaling(ctx: BenchContext): Promise<Section> {
  ctx.log(`key verification at ${SIZES.join(', ')} keys`)
  const stores: Store[] = []
  for (const size of SIZES) {
    const { dir, keys } = await ctx.prepare(`keys-${size}`, { keys: size })
    stores.push({ size, dir, key: keys.at(-1)! })
  }

  // Over HTTP: GET /api/v1/users/whoami, the cheapest route behind the key check.
  const path = '/api/v1/users/whoami'
  const servers = await Promise.all(stores.map((s) => ServerChild.start('flowkeys', s.dir, ctx.env)))
  const http: LoadResult[][] = stores.map(() => [])
  const list: LoadResult[] = []
  let listBytes: number
  try {
    for (const [i, server] of servers.entries()) {
      const reply = await get(server.url + path, apiKeyHeader(stores[i]!.key))
      if (reply.status !== 200) throw new Error(`whoami answered ${reply.status}`)
      await load(server.url, {
        path,
        headers: apiKeyHeader(stores[i]!.key),
        connections: CONNECTIONS,
        seconds: 2
      })
    }
    for (let round = 0; round < ctx.rounds; round++) {
      // Each round starts with another store: none of them always runs first.
      for (const i of rotated(servers.length, round)) {
        const server = servers[i]!
        const options = {
          path,
          headers: apiKeyHeader(stores[i]!.key),
          connections: CONNECTIONS,
          seconds: ctx.seconds
        }
        await rewarm(server.url, options)
        http[i]!.push(await load(server.url, options))
      }
    }

    // The full listing of 10,000 keys, one connection: the latency of one request with nothing queued.
    ctx.log('GET /api/v1/api_key/ with 10,000 keys')
    const big = servers.at(-1)!
    const headers = apiKeyHeader(stores.at(-1)!.key)
    const reply = await get(big.url + '/api/v1/api_key/', headers)
    const listed = JSON.parse(reply.body.toString('utf8')) as { total_count: number }
    if (reply.status !== 200 || listed.total_count !== 10_000)
      throw new Error(`api_key list: ${reply.status}`)
    listBytes = reply.body.length
    await load(big.url, { path: '/api/v1/api_key/', headers, connections: 1, seconds: 2 })
    for (let round = 0; round < ctx.rounds; round++) {
      list.push(
        await load(big.url, { path: '/api/v1/api_key/', headers, connections: 1, seconds: ctx.seconds })
      )
    }
  } finally {
    for (const server of servers) await server.stop()
  }

  // In-process: core.keys.verify, a valid key and an unknown well-formed one; the stores take turns each round.
  ctx.log('core.keys.verify micro-benchmark')
  const cores = await Promise.all(stores.map((s) => ctx.openCore(s.dir)))
  const samples = stores.map(() => ({ valid: [] as number[], unknown: [] as number[] }))
  try {
    const unknownKey = generateApiKey()
    for (let round = 0; round < ctx.rounds; round++) {
      const valid = cores.map(() => 0)
      const unknown = cores.map(() => 0)
      for (let slice = 0; slice < MICRO_SLICES; slice++) {
        for (const i of rotated(cores.length, round + slice)) {
          const core = cores[i]!
          const key = stores[i]!.key
          valid[i]! += await timeCalls(MICRO_ITERATIONS / MICRO_SLICES, async () => {
            if (!(await core.keys.verify(key))) throw new Error('the seeded key does not verify')
          })
          unknown[i]! += await timeCalls(MICRO_ITERATIONS / MICRO_SLICES, async () => {
            if (await core.keys.verify(unknownKey)) throw new Error('an unknown key verified')
          })
        }
      }
      cores.forEach((_, i) => {
        samples[i]!.valid.push(valid[i]! / MICRO_SLICES)
        samples[i]!.unknown.push(unknown[i]! / MICRO_SLICES)
      })
      for (const core of cores) await core.keys.flushUsage()
    }
  } finally {
    for (const core of cores) await core.close()
  }
  const micro = samples.map((s) => ({ valid: median(s.valid), unknown: median(s.unknown) }))

  const httpMedians = http.map((runs) => ({
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99))
  }))
  const costUs = httpMedians.map((m) => 1e6 / m.rps)
  const httpRatio = costUs.at(-1)! / costUs[0]!
  const microRatio = micro.at(-1)!.valid / micro[0]!.valid
  const listM = {
    p50: median(list.map((r) => r.p50)),
    p99: median(list.map((r) => r.p99)),
    rps: median(list.map((r) => r.rps))
  }

  const httpTable = stores
    .map(
      (s, i) =>
        `| ${num(s.size)} | ${num(httpMedians[i]!.rps)} | ${num(costUs[i]!, 1)} µs | ${wholeMs(httpMedians[i]!.p50)} | ${wholeMs(httpMedians[i]!.p99)} |`
    )
    .join('\n')
  const microTable = stores
    .map(
      (s, i) =>
        `| ${num(s.size)} | ${num(micro[i]!.valid / 1000, 2)} µs | ${num(micro[i]!.unknown / 1000, 2)} µs |`
    )
    .join('\n')
  return {
    title: 'API-key verification at 10, 1,000 and 10,000 keys',
    rows: [
      {
        figure: 'Key check over HTTP (GET /api/v1/users/whoami), cost per request at 10,000 vs 10 keys',
        value: `${num(costUs.at(-1)!, 1)} µs vs ${num(costUs[0]!, 1)} µs (${num(httpRatio, 2)}×)`,
        target: `≤ ${FLAT_TARGET}×`,
        met: httpRatio <= FLAT_TARGET
      },
      {
        figure: 'core.keys.verify in-process at 10,000 vs 10 keys',
        value: `${num(micro.at(-1)!.valid / 1000, 2)} µs vs ${num(micro[0]!.valid / 1000, 2)} µs (${num(microRatio, 2)}×)`,
        target: `≤ ${FLAT_TARGET}×`,
        met: microRatio <= FLAT_TARGET
      },
      {
        figure: 'GET /api/v1/api_key/ with 10,000 keys, latency (1 connection)',
        value: `p50 ${wholeMs(listM.p50)}, p99 ${wholeMs(listM.p99)}`,
        target: '—'
      }
    ],
    details: `Each store holds N keys of the superuser, seeded in one store write with records built as \`ApiKeyService.create\` builds them (bench/seed.ts); the key used is the last one seeded. Usage tracking is on, so every verified request is counted (in memory, written at most about once a second, and no more than 1% of the time: about every 2.5 s at 10,000 keys, where a write of the store takes about 25 ms).

**Over HTTP**: \`GET /api/v1/users/whoami\` with a valid \`x-api-key\`, autocannon, ${CONNECTIONS} connections, ${ctx.seconds} s per round after a 2 s warm-up, the three servers taking turns, each round starting with the next one and preceded by ${REWARM_SECONDS} s of the same load, not measured (a server back from idle needs about a second to recover, bench/load.ts); medians of ${ctx.rounds} rounds. The cost per request is 1 / throughput (the whole machine's time per request, load generator included).

| keys in store | requests/s | cost per request | p50 latency | p99 latency |
|---|---|---|---|---|
${httpTable}

**In-process**: \`await core.keys.verify(key)\` in a loop (each call awaited before the next), ${num(MICRO_ITERATIONS)} calls per round in ${MICRO_SLICES} slices, each after a warm-up of a fifth of its calls, the three stores taking turns slice by slice (so a change of the machine's speed reaches all three alike), each slice starting with the next store (usage counters flushed between rounds); medians of ${ctx.rounds} rounds. A verification waits for a check of the store file's stamp made after the call (one \`stat\`, shared by the calls made in the same turn of the event loop: here one per call, since each is awaited), finds the key's HMAC (computed once per presented key, kept for the next requests that present it) and looks it up in a Map; the HMAC lookup is by hash, so its cost does not depend on the number of keys either way.

| keys in store | valid key | unknown well-formed key |
|---|---|---|
${microTable}

**Listing**: \`GET /api/v1/api_key/\` with 10,000 keys (a ${num(listBytes / 1024, 0)} KiB JSON answer), one connection, ${ctx.seconds} s per round, median of ${ctx.rounds} rounds: p50 ${wholeMs(listM.p50)}, p99 ${wholeMs(listM.p99)}, ${num(listM.rps, 1)} requests/s.`
  }
}
