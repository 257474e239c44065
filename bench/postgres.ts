import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import type { Core } from '../src/main/core/open'
import { generateApiKey } from '../src/main/keys/generate'
import { applyEnvImport } from '../src/main/variables/dotenv-import'
import { clusterFolder, findBinDir, sharedCluster, stopCluster } from '../test/setup/postgres-cluster'
import { get, ServerChild } from './children'
import { apiKeyHeader, BenchContext, type Section } from './context'
import { envFile, timeCli } from './import-env'
import { timeCalls } from './keys'
import { load, type LoadResult, REWARM_SECONDS, rewarm } from './load'
import { seedKeys, seedVariables } from './seed'
import { median, ms, num, rotated, wholeMs } from './stats'
import {
  CONNECTIONS,
  GENERIC,
  prepareVariablesWorkload,
  VARIABLES,
  VARIABLES_PATH
} from './variables-workload'

/** The same targets as the JSON store's figures (bench/keys.ts, bench/import-env.ts), and the issue's write target. */
const FLAT_TARGET = 1.2
const IMPORT_TARGET_MS = 1_000
const WRITE_TARGET_MS = 5

/**
 * The key check's stores: PostgreSQL at 10 and 10,000 keys, and the JSON file at 10,000 beside them (its own
 * scaling from 10 keys is the key benchmark's, bench/keys.ts).
 */
const KEY_STORES: readonly { backend: Backend; size: number }[] = [
  { backend: 'json', size: 10_000 },
  { backend: 'postgres', size: 10 },
  { backend: 'postgres', size: 10_000 }
]
/** Seconds per measured HTTP round of the key check (three servers take turns: the rounds are kept short). */
const KEY_HTTP_SECONDS = 2
/** core.keys.verify calls per round and store, for a valid and for an unknown key, in slices (see bench/keys.ts). */
const VERIFY_CALLS: Record<Backend, number> = { json: 25_000, postgres: 1_500 }
const VERIFY_SLICES = 5
const IMPORT_ENTRIES = 10_000
const BIG = 100_000
/** Variables are seeded into PostgreSQL in batches of this many rows (one INSERT each). */
const VARIABLE_BATCH = 10_000
/** Writes per round: one write of the JSON file with 100,000 keys and variables takes about half a second. */
const WRITES_PER_ROUND = { json: 1, postgres: 100 } as const

const PATH_WHOAMI = '/api/v1/users/whoami'
const NS_PER_US = 1_000
/** Unmeasured load on each server once started (each measured round is preceded by a re-warm as well). */
const WARM_SECONDS = 1

type Backend = 'json' | 'postgres'
const BACKENDS: readonly Backend[] = ['json', 'postgres']
const LABEL: Record<Backend, string> = { json: 'JSON file', postgres: 'PostgreSQL' }

/** A benchmark context whose cores and server children use one database of the cluster. */
class DatabaseContext extends BenchContext {
  constructor(
    parent: BenchContext,
    override readonly env: NodeJS.ProcessEnv
  ) {
    super(parent.rounds, parent.seconds)
  }
}

/** The throwaway cluster: a fresh database per store, the CPU time its processes used. */
class Cluster {
  private count = 0
  readonly contexts: DatabaseContext[] = []

  constructor(
    private readonly ctx: BenchContext,
    private readonly admin: pg.Client,
    readonly url: string,
    /** The server's version, as it reports it. */
    readonly version: string,
    private readonly dataDir: string
  ) {}

  /** A new, empty database; its context (FLOWKEYS_DATABASE_URL, FLOWKEYS_SECRET_KEY) removes its folders on dispose. */
  async database(): Promise<DatabaseContext> {
    const name = `flowkeys_bench_${this.count++}`
    await this.admin.query(`CREATE DATABASE ${name}`)
    const url = new URL(this.url)
    url.pathname = `/${name}`
    const db = new DatabaseContext(this.ctx, {
      ...this.ctx.env,
      FLOWKEYS_DATABASE_URL: url.toString(),
      FLOWKEYS_SECRET_KEY: this.ctx.env.LANGFLOW_SECRET_KEY
    })
    this.contexts.push(db)
    return db
  }

  /** CPU time (user + kernel) used so far by the postmaster and its children, the backends, in µs (Linux). */
  cpu(): number {
    const postmaster = Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
    let ticks = 0
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      let stat: string
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      } catch {
        continue // gone meanwhile
      }
      // After "pid (comm) ": state, ppid, …, utime (field 14) and stime (field 15), in clock ticks.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(entry) !== postmaster && Number(fields[1]) !== postmaster) continue
      ticks += Number(fields[11]) + Number(fields[12])
    }
    return ticks * 10_000 // 100 ticks a second on Linux
  }
}

/**
 * Starts a throwaway cluster as the tests do (test/setup/postgres-cluster.ts: fsync and synchronous_commit off),
 * runs `fn` on it, then stops it and removes its folder, also on failure, on Ctrl-C and on exit.
 */
async function withCluster<T>(ctx: BenchContext, fn: (cluster: Cluster) => Promise<T>): Promise<T> {
  const bin = findBinDir()
  if (!bin) throw new Error('PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH)')
  const dir = clusterFolder()
  const teardown = (mode: 'fast' | 'immediate'): void => {
    process.removeListener('exit', onExit)
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
    stopCluster(dir, bin, mode)
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  }
  const onExit = (): void => teardown('immediate')
  const onSignal = (signal: NodeJS.Signals): void => {
    teardown('immediate')
    process.kill(process.pid, signal)
  }
  process.once('exit', onExit)
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const cluster: { value?: Cluster } = {}
  try {
    ctx.log('starting a throwaway PostgreSQL cluster')
    const url = await sharedCluster(dir, bin)
    const admin = new pg.Client({ connectionString: url })
    admin.on('error', () => undefined)
    await admin.connect()
    try {
      const version = String((await admin.query('SHOW server_version')).rows[0]?.server_version)
      cluster.value = new Cluster(ctx, admin, url, version, join(dir, 'data'))
      return await fn(cluster.value)
    } finally {
      await admin.end()
    }
  } finally {
    for (const db of cluster.value?.contexts ?? []) db.dispose()
    teardown('fast')
  }
}

/** ms per call of `fn` over `count` calls, each awaited before the next (after `warm` unmeasured calls). */
async function timeEach(count: number, warm: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warm; i++) await fn()
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint()
    await fn()
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return times
}

/** The `q` quantile (0..1) of a non-empty list, nearest rank. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

interface KeyStore {
  backend: Backend
  size: number
  dir: string
  key: string
  /** The context it was prepared in: its env names the store (the database for PostgreSQL). */
  target: BenchContext
}

interface HttpFigures {
  rps: number
  p50: number
  p99: number
}

function httpMedians(runs: LoadResult[]): HttpFigures {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99))
  }
}

/** (a) Key check at 10 and 10,000 keys, both stores: over HTTP (whoami) and in-process (core.keys.verify). */
async function keyChecks(ctx: BenchContext, cluster: Cluster) {
  ctx.log('key check at 10 and 10,000 keys on PostgreSQL, 10,000 on the JSON file')
  const stores: KeyStore[] = []
  for (const { backend, size } of KEY_STORES) {
    const target = backend === 'json' ? ctx : await cluster.database()
    const { dir, keys } = await target.prepare(`pg-keys-${backend}-${size}`, { keys: size })
    stores.push({ backend, size, dir, key: keys.at(-1)!, target })
  }

  const servers = await Promise.all(stores.map((s) => ServerChild.start('flowkeys', s.dir, s.target.env)))
  const http: LoadResult[][] = stores.map(() => [])
  try {
    for (const [i, server] of servers.entries()) {
      const headers = apiKeyHeader(stores[i]!.key)
      const reply = await get(server.url + PATH_WHOAMI, headers)
      if (reply.status !== 200) throw new Error(`whoami answered ${reply.status}`)
      await load(server.url, { path: PATH_WHOAMI, headers, connections: CONNECTIONS, seconds: WARM_SECONDS })
    }
    for (let round = 0; round < ctx.rounds; round++) {
      for (const i of rotated(servers.length, round)) {
        const options = {
          path: PATH_WHOAMI,
          headers: apiKeyHeader(stores[i]!.key),
          connections: CONNECTIONS,
          seconds: KEY_HTTP_SECONDS
        }
        await rewarm(servers[i]!.url, options)
        http[i]!.push(await load(servers[i]!.url, options))
      }
    }
  } finally {
    for (const server of servers) await server.stop()
  }

  ctx.log('core.keys.verify, JSON file and PostgreSQL')
  const cores: Core[] = []
  const samples = stores.map(() => ({ valid: [] as number[], unknown: [] as number[] }))
  // The floor of a check on PostgreSQL: one round trip of a prepared statement on one connection.
  const bare = new pg.Client({ connectionString: cluster.url })
  bare.on('error', () => undefined)
  await bare.connect()
  const roundTrips: number[] = []
  try {
    for (const s of stores) cores.push(await s.target.openCore(s.dir))
    const unknownKey = generateApiKey()
    for (let round = 0; round < ctx.rounds; round++) {
      const valid = cores.map(() => 0)
      const unknown = cores.map(() => 0)
      for (let slice = 0; slice < VERIFY_SLICES; slice++) {
        for (const i of rotated(cores.length, round + slice)) {
          const core = cores[i]!
          const key = stores[i]!.key
          const calls = VERIFY_CALLS[stores[i]!.backend] / VERIFY_SLICES
          valid[i]! += await timeCalls(calls, async () => {
            if (!(await core.keys.verify(key))) throw new Error('the seeded key does not verify')
          })
          unknown[i]! += await timeCalls(calls, async () => {
            if (await core.keys.verify(unknownKey)) throw new Error('an unknown key verified')
          })
        }
      }
      cores.forEach((_, i) => {
        samples[i]!.valid.push(valid[i]! / VERIFY_SLICES / NS_PER_US)
        samples[i]!.unknown.push(unknown[i]! / VERIFY_SLICES / NS_PER_US)
      })
      for (const core of cores) await core.keys.flushUsage()
      const floor = { name: 'flowkeys_bench_floor', text: 'SELECT 1' }
      roundTrips.push(
        (await timeCalls(VERIFY_CALLS.postgres / VERIFY_SLICES, () =>
          bare.query(floor).then(() => undefined)
        )) / NS_PER_US
      )
    }
  } finally {
    for (const core of cores) await core.close()
    await bare.end()
  }
  return {
    stores,
    http: http.map(httpMedians),
    verify: samples.map((s) => ({ valid: median(s.valid), unknown: median(s.unknown) })),
    roundTripUs: median(roundTrips)
  }
}

/** (b) The throughput benchmark's request (bench/throughput.ts) on a server child over each store. */
async function throughputs(ctx: BenchContext, cluster: Cluster) {
  ctx.log('GET /api/v1/variables/, JSON file and PostgreSQL servers')
  const db = await cluster.database()
  const prepared = {
    json: { ...(await prepareVariablesWorkload(ctx, 'pg-variables-json')), env: ctx.env },
    postgres: { ...(await prepareVariablesWorkload(db, 'pg-variables-postgres')), env: db.env }
  }
  const servers: Partial<Record<Backend, ServerChild>> = {}
  const runs: Record<Backend, (LoadResult & { server: number; database: number })[]> = {
    json: [],
    postgres: []
  }
  let bytes = 0
  try {
    for (const backend of BACKENDS) {
      const { dir, env, headers } = prepared[backend]
      const server = (servers[backend] = await ServerChild.start('flowkeys', dir, env))
      const reply = await get(server.url + VARIABLES_PATH, headers)
      const listed = JSON.parse(reply.body.toString('utf8')) as unknown[]
      if (reply.status !== 200 || listed.length !== VARIABLES)
        throw new Error(`GET ${VARIABLES_PATH} answered ${reply.status} with ${listed.length} variables`)
      bytes = reply.body.length
      await load(server.url, {
        path: VARIABLES_PATH,
        headers,
        connections: CONNECTIONS,
        seconds: WARM_SECONDS
      })
    }
    for (let round = 0; round < ctx.rounds; round++) {
      for (const i of rotated(BACKENDS.length, round)) {
        const backend = BACKENDS[i]!
        const server = servers[backend]!
        const options = {
          path: VARIABLES_PATH,
          headers: prepared[backend].headers,
          connections: CONNECTIONS,
          seconds: ctx.seconds
        }
        await rewarm(server.url, options)
        const before = { server: await server.cpu(), database: cluster.cpu() }
        const run = await load(server.url, options)
        const after = { server: await server.cpu(), database: cluster.cpu() }
        runs[backend].push({
          ...run,
          server:
            (after.server.user + after.server.system - before.server.user - before.server.system) / run.total,
          database: (after.database - before.database) / run.total
        })
      }
    }
  } finally {
    for (const server of Object.values(servers)) await server.stop()
  }
  const figures = (backend: Backend) => ({
    ...httpMedians(runs[backend]),
    server: median(runs[backend].map((r) => r.server)),
    database: median(runs[backend].map((r) => r.database))
  })
  const ratios = runs.postgres.map((r, i) => r.rps / runs.json[i]!.rps)
  return { json: figures('json'), postgres: figures('postgres'), ratios, bytes }
}

/** (c) A 10,000-entry .env import into an empty store: the core call and the CLI process, both stores. */
async function imports(ctx: BenchContext, cluster: Cluster) {
  ctx.log(`import-env of ${num(IMPORT_ENTRIES)} entries, JSON file and PostgreSQL`)
  const file = join(ctx.root, `pg-import-${IMPORT_ENTRIES}.env`)
  const text = envFile(IMPORT_ENTRIES)
  writeFileSync(file, text)
  const core: Record<Backend, number[]> = { json: [], postgres: [] }
  const cli: Record<Backend, number[]> = { json: [], postgres: [] }
  for (let round = 0; round < ctx.rounds; round++) {
    for (const i of rotated(BACKENDS.length, round)) {
      const backend = BACKENDS[i]!
      const target = backend === 'json' ? ctx : await cluster.database()
      const { dir } = await target.prepare(`pg-import-core-${backend}`)
      const opened = await target.openCore(dir)
      try {
        const start = process.hrtime.bigint()
        const result = await applyEnvImport(opened.variables, opened.superuser().id, text)
        core[backend].push(Number(process.hrtime.bigint() - start) / 1e6)
        if (result.created.length !== IMPORT_ENTRIES)
          throw new Error(`imported ${result.created.length} of ${IMPORT_ENTRIES}`)
      } finally {
        await opened.close()
      }
      const cliTarget = backend === 'json' ? ctx : await cluster.database()
      const { dir: cliDir } = await cliTarget.prepare(`pg-import-cli-${backend}`)
      cli[backend].push(await timeCli(['import-env', file, '--data-dir', cliDir], cliTarget.env))
    }
  }
  return {
    core: { json: median(core.json), postgres: median(core.postgres) },
    cli: { json: median(cli.json), postgres: median(cli.postgres) }
  }
}

interface WriteStore {
  backend: Backend
  size: number
  core: Core
  seedMs?: { keys: number; variables: number }
}

/** (d) One write (core.keys.create) with 10 and with 100,000 keys and 100,000 variables stored, both stores. */
async function writes(ctx: BenchContext, cluster: Cluster) {
  ctx.log(`one write with ${num(BIG)} keys and ${num(BIG)} variables, JSON file and PostgreSQL`)
  const stores: WriteStore[] = []
  const times: number[][] = []
  try {
    for (const backend of BACKENDS) {
      for (const size of [10, BIG]) {
        const target = backend === 'json' ? ctx : await cluster.database()
        const core = await target.openCore(target.newDir(`pg-writes-${backend}-${size}`))
        const store: WriteStore = { backend, size, core }
        stores.push(store)
        const t0 = performance.now()
        await seedKeys(core, size)
        const t1 = performance.now()
        if (size === BIG) {
          // The JSON store writes its whole file per write: one insert of all the variables. PostgreSQL: batches.
          const batch = backend === 'json' ? BIG : VARIABLE_BATCH
          for (let b = 0; b < BIG / batch; b++) {
            await seedVariables(core, batch, { prefix: `SEED_VARIABLE_${b}` })
          }
          store.seedMs = { keys: t1 - t0, variables: performance.now() - t1 }
          ctx.log(
            `${LABEL[backend]}: seeded ${num(BIG)} keys in ${ms(t1 - t0, 0)}, ${num(BIG)} variables in ${ms(store.seedMs.variables, 0)}`
          )
        }
      }
    }
    const actor = (core: Core) => core.superuser()
    let made = 0
    const create = (core: Core) => core.keys.create(actor(core), { name: `bench-write-${made++}` })
    // One unmeasured write each (the first write of a core builds what it caches), then rounds by turns.
    for (const s of stores) await create(s.core)
    stores.forEach(() => times.push([]))
    for (let round = 0; round < ctx.rounds; round++) {
      for (const i of rotated(stores.length, round)) {
        const s = stores[i]!
        times[i]!.push(...(await timeEach(WRITES_PER_ROUND[s.backend], 0, () => create(s.core))))
      }
    }
  } finally {
    for (const s of stores) await s.core.close()
  }
  return stores.map((s, i) => ({
    backend: s.backend,
    size: s.size,
    seedMs: s.seedMs,
    count: times[i]!.length,
    median: median(times[i]!),
    p95: quantile(times[i]!, 0.95),
    max: Math.max(...times[i]!)
  }))
}

/**
 * The PostgreSQL team store beside the JSON file, measured in the same run on a throwaway local cluster: the key
 * check at 10 and 10,000 keys, the authenticated variables list over HTTP, a 10,000-entry .env import, and the
 * time of one write with 100,000 keys and 100,000 variables stored.
 */
export async function postgresStore(ctx: BenchContext): Promise<Section> {
  return withCluster(ctx, async (cluster) => {
    const keys = await keyChecks(ctx, cluster)
    const through = await throughputs(ctx, cluster)
    const imported = await imports(ctx, cluster)
    const written = await writes(ctx, cluster)
    return report(ctx, cluster.version, keys, through, imported, written)
  })
}

function report(
  ctx: BenchContext,
  version: string,
  keys: Awaited<ReturnType<typeof keyChecks>>,
  through: Awaited<ReturnType<typeof throughputs>>,
  imported: Awaited<ReturnType<typeof imports>>,
  written: Awaited<ReturnType<typeof writes>>
): Section {
  const at = (backend: Backend, size: number) =>
    keys.stores.findIndex((s) => s.backend === backend && s.size === size)
  const [small, big] = [10, 10_000]
  const costUs = (i: number) => 1e6 / keys.http[i]!.rps
  const pgHttpRatio = costUs(at('postgres', big)) / costUs(at('postgres', small))
  const pgVerifyRatio = keys.verify[at('postgres', big)]!.valid / keys.verify[at('postgres', small)]!.valid
  const verifyUs = (backend: Backend, size: number) => keys.verify[at(backend, size)]!.valid
  const write = (backend: Backend, size: number) =>
    written.find((w) => w.backend === backend && w.size === size)!
  const pgWrite = write('postgres', BIG)
  const jsonWrite = write('json', BIG)
  const ratioMedian = median(through.ratios)

  const keyTable = keys.stores
    .map(
      (s, i) =>
        `| ${LABEL[s.backend]} | ${num(s.size)} | ${num(keys.http[i]!.rps)} | ${num(costUs(i), 1)} µs | ${wholeMs(keys.http[i]!.p50)} | ${wholeMs(keys.http[i]!.p99)} | ${num(keys.verify[i]!.valid, 2)} µs | ${num(keys.verify[i]!.unknown, 2)} µs |`
    )
    .join('\n')
  const throughTable = BACKENDS.map((b) => {
    const f = through[b]
    return `| ${LABEL[b]} | ${num(f.rps)} | ${num(1e6 / f.rps)} µs | ${num(f.server, 1)} µs | ${b === 'postgres' ? `${num(f.database, 1)} µs` : '—'} | ${wholeMs(f.p50)} | ${wholeMs(f.p99)} |`
  }).join('\n')
  const writeTable = written
    .map(
      (w) =>
        `| ${LABEL[w.backend]} | ${num(w.size)} | ${w.size === BIG ? num(BIG) : '0'} | ${ms(w.median, 2)} | ${ms(w.p95, 2)} | ${ms(w.max, 2)} | ${num(w.count)} |`
    )
    .join('\n')
  const seeded = written
    .filter((w) => w.seedMs)
    .map(
      (w) =>
        `${LABEL[w.backend]} ${ms(w.seedMs!.keys, 0)} for the keys and ${ms(w.seedMs!.variables, 0)} for the variables`
    )
    .join('; ')

  return {
    title: 'PostgreSQL team store beside the JSON file',
    rows: [
      {
        figure: 'PostgreSQL store: key check over HTTP (whoami), cost per request at 10,000 vs 10 keys',
        value: `${num(costUs(at('postgres', big)), 1)} µs vs ${num(costUs(at('postgres', small)), 1)} µs (${num(pgHttpRatio, 2)}×); JSON file at 10,000 keys ${num(costUs(at('json', big)), 1)} µs`,
        target: `≤ ${FLAT_TARGET}×`,
        met: pgHttpRatio <= FLAT_TARGET
      },
      {
        figure: 'PostgreSQL store: core.keys.verify in-process at 10,000 vs 10 keys',
        value: `${num(verifyUs('postgres', big), 1)} µs vs ${num(verifyUs('postgres', small), 1)} µs (${num(pgVerifyRatio, 2)}×); JSON file at 10,000 keys ${num(verifyUs('json', big), 2)} µs`,
        target: `≤ ${FLAT_TARGET}×`,
        met: pgVerifyRatio <= FLAT_TARGET
      },
      {
        figure: 'PostgreSQL store: GET /api/v1/variables/ throughput, vs the JSON file',
        value: `${num(through.postgres.rps)} vs ${num(through.json.rps)} req/s (${num((through.postgres.rps / through.json.rps) * 100, 1)}%; median of the rounds' ratios ${num(ratioMedian * 100, 1)}%)`,
        target: '—'
      },
      {
        figure: `PostgreSQL store: import-env of ${num(IMPORT_ENTRIES)} entries, core (applyEnvImport)`,
        value: `${ms(imported.core.postgres)} (JSON file ${ms(imported.core.json)})`,
        target: `< ${num(IMPORT_TARGET_MS)} ms`,
        met: imported.core.postgres < IMPORT_TARGET_MS
      },
      {
        figure: `PostgreSQL store: import-env of ${num(IMPORT_ENTRIES)} entries, CLI process (spawn to exit)`,
        value: `${ms(imported.cli.postgres)} (JSON file ${ms(imported.cli.json)})`,
        target: `< ${num(IMPORT_TARGET_MS)} ms`,
        met: imported.cli.postgres < IMPORT_TARGET_MS
      },
      {
        figure: `PostgreSQL store: one write (a key created) with ${num(BIG)} keys and ${num(BIG)} variables`,
        value: `${ms(pgWrite.median, 2)} (p95 ${ms(pgWrite.p95, 2)}); JSON file ${ms(jsonWrite.median)}`,
        target: `< ${WRITE_TARGET_MS} ms`,
        met: pgWrite.median < WRITE_TARGET_MS
      }
    ],
    details: `The same workloads on both stores in the same run, taking turns round by round (each round starting with the next store), medians of ${ctx.rounds} rounds. The PostgreSQL store is a throwaway local cluster (PostgreSQL ${version} on 127.0.0.1, started as the tests start it, test/setup/postgres-cluster.ts, with \`fsync\`, \`synchronous_commit\` and \`full_page_writes\` off: its commits are not flushed to disk, while every write of the JSON file is, with an fsync of the file and of its folder), a fresh database per store, reached over TCP by a pool of 10 connections per process (\`FLOWKEYS_DATABASE_URL\`, vault key in \`FLOWKEYS_SECRET_KEY\`). The cluster shares the machine's cores with the server and the load generator, and it is stopped and its folder removed at the end.

**Key check**: PostgreSQL stores of 10 and 10,000 keys, and a JSON file of 10,000 keys beside them (the JSON file's own scaling from 10 keys is the key benchmark's), seeded as there (bench/seed.ts; into PostgreSQL in one \`replaceAll\`), the key used being the last one seeded. Over HTTP: \`GET ${PATH_WHOAMI}\`, autocannon, ${CONNECTIONS} connections, ${KEY_HTTP_SECONDS} s per round after a ${WARM_SECONDS} s warm-up, the three servers taking turns, each round preceded by ${REWARM_SECONDS} s of the same load, not measured; the cost per request is 1 / throughput. In-process: \`await core.keys.verify(key)\` in a loop, each call awaited before the next, ${num(VERIFY_CALLS.postgres)} calls per round and store on PostgreSQL (${num(VERIFY_CALLS.json)} on the JSON file) in ${VERIFY_SLICES} slices, each after a warm-up of a fifth of its calls, the stores taking turns slice by slice. On PostgreSQL every check is one query (the key's row by its HMAC, an index lookup, joined with its user's) with no cache, so a key revoked through another server is refused from the next request: one round trip to the database per check.

| store | keys | whoami requests/s | cost per request | p50 | p99 | verify, valid key | verify, unknown key |
|---|---|---|---|---|---|---|---|
${keyTable}

For scale, one bare round trip to this cluster over loopback TCP (a prepared \`SELECT 1\` on one connection of the same client library, timed the same way) takes ${num(keys.roundTripUs, 1)} µs here; the check's query returns a larger row (about 20 columns, dates parsed) and goes through the connection pool.

**Variables list**: the throughput benchmark's request (bench/throughput.ts): \`GET ${VARIABLES_PATH}\` with ${VARIABLES} variables (${GENERIC} Generic, decrypted per answer, a ${num(through.bytes)}-byte answer) and a valid \`x-api-key\`, usage tracking on, autocannon, ${CONNECTIONS} connections, ${ctx.seconds} s per round after a ${WARM_SECONDS} s warm-up, each round preceded by ${REWARM_SECONDS} s of the same load, not measured. Each request reads the key (one query) and the user's variables (a second) on PostgreSQL. Server CPU is the key server process's; database CPU is the PostgreSQL processes' (postmaster and backends, from /proc, 10 ms resolution), per request.

| store | requests/s | machine time per request | server CPU per request | database CPU per request | p50 | p99 |
|---|---|---|---|---|---|---|
${throughTable}

Round by round, PostgreSQL / JSON file: ${through.ratios.map((r) => `${num(r * 100, 1)}%`).join(', ')}.

**.env import**: the generated file of the import benchmark (bench/import-env.ts), ${num(IMPORT_ENTRIES)} new names, into a store holding only the superuser (a fresh data directory, or a fresh database, per round). Core: \`applyEnvImport\` alone, core open. CLI: \`node out/cli/cli.js import-env FILE --data-dir DIR\` (with \`FLOWKEYS_DATABASE_URL\` for PostgreSQL), spawn to exit.

| store | core \`applyEnvImport\` | CLI \`flowkeys import-env\` |
|---|---|---|
| ${LABEL.json} | ${ms(imported.core.json)} | ${ms(imported.cli.json)} |
| ${LABEL.postgres} | ${ms(imported.core.postgres)} | ${ms(imported.cli.postgres)} |

**One write**: \`await core.keys.create(superuser, { name })\` (a key generated, HMACed and inserted in a transaction of its own), one after another, in a store holding 10 keys and no variables, and in one holding ${num(BIG)} keys and ${num(BIG)} variables (seeded: ${seeded}; PostgreSQL's variables in INSERTs of ${num(VARIABLE_BATCH)} rows). One unmeasured write per store first, then ${WRITES_PER_ROUND.json} write per round on the JSON file (each rewrites the whole file) and ${WRITES_PER_ROUND.postgres} on PostgreSQL, the four stores taking turns; percentiles over all the writes timed.

| store | keys | variables | one write, median | p95 | slowest | writes timed |
|---|---|---|---|---|---|---|
${writeTable}`
  }
}
