import { Agent, request } from 'node:http'
import { cpus, loadavg } from 'node:os'
import { resolve } from 'node:path'
import { allAsHeaders, planCredentials } from '../src/main/gateway/credentials'
import type { VariableLookup } from '../src/main/variables/resolve'
import { BASIC_PROMPTING_ID } from '../test/fixtures/langflow-upstream/flows'
import type { StandinOptions } from '../test/fixtures/langflow-upstream/standin'
import { get, LineChild, ServerChild } from './children'
import { apiKeyHeader, type BenchContext, type Section } from './context'
import { timeCalls } from './keys'
import { load, type LoadResult, REWARM_SECONDS, rewarm } from './load'
import { median, ms, num, rotated } from './stats'
import { CONNECTIONS } from './variables-workload'

/** Timed requests per path and round (one client, one keep-alive connection, each awaited before the next). */
const REQUESTS = 2_000
/** Untimed requests per path before the first round, and before each timed batch. */
const WARMUP = 500
const REWARM = 200
const TARGET_MS = 1
/** Calls per in-process step timing. */
const STEP_CALLS = 2_000

const RUN_PATH = `/api/v1/run/${BASIC_PROMPTING_ID}?stream=false`
const FLOW_PATH = `/api/v1/flows/${BASIC_PROMPTING_ID}`
const WHOAMI_PATH = '/api/v1/users/whoami'
const RUN_BODY = JSON.stringify({ input_value: 'hi' })
const VARIABLE = 'OPENAI_API_KEY'
const DIRECT_CREDENTIAL = 'sk-bench-direct-0123456789abcdef'

/** The stand-in Langflow (bench/standin-child.ts) in its own process. */
class StandinChild extends LineChild {
  url = ''
  apiKey = ''

  static async start(options: StandinOptions, env: NodeJS.ProcessEnv): Promise<StandinChild> {
    const child = new StandinChild(
      process.execPath,
      ['--import', 'tsx', resolve('bench/standin-child.ts'), JSON.stringify(options)],
      env
    )
    try {
      Object.assign(child, await child.next<{ url: string; apiKey: string }>())
    } catch (err) {
      child.child.kill()
      throw err
    }
    return child
  }

  async cpu(): Promise<{ user: number; system: number }> {
    this.send('cpu')
    return this.next<{ user: number; system: number }>()
  }

  /** What the stand-in received since the previous call. */
  async counts(): Promise<Counts> {
    this.send('counts')
    return this.next<Counts>()
  }

  async stop(): Promise<void> {
    this.send('stop')
    await this.next<{ stopped: true }>()
    await this.exited
  }
}

interface Counts {
  runs: number
  flowReads: number
  other: number
  failed: number
  last: { status: number | null; globalVarHeaders: string[]; credentialSources: string[] } | null
}

/** One request, repeated: where it goes and with what. */
interface Target {
  url: string
  method: 'GET' | 'POST'
  headers: Record<string, string>
  body?: string
}

function runTarget(baseUrl: string, key: string, extra: Record<string, string> = {}): Target {
  return {
    url: baseUrl + RUN_PATH,
    method: 'POST',
    headers: { ...apiKeyHeader(key), 'content-type': 'application/json', ...extra },
    body: RUN_BODY
  }
}

/** One request on `agent`'s connection; resolves with the status once the whole answer is read. */
function send(target: Target, agent: Agent): Promise<number> {
  return new Promise((done, fail) => {
    const headers = { ...target.headers }
    if (target.body !== undefined) headers['content-length'] = String(Buffer.byteLength(target.body))
    const req = request(target.url, { method: target.method, headers, agent }, (res) => {
      res.on('data', () => {})
      res.on('end', () => done(res.statusCode ?? 0))
      res.on('error', fail)
    })
    req.on('error', fail)
    req.end(target.body)
  })
}

/** `count` requests one after the other; each one's time (ms) from sending to the end of its answer. */
async function sequential(target: Target, agent: Agent, count: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint()
    const status = await send(target, agent)
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
    if (status !== 200) throw new Error(`${target.method} ${target.url} answered ${status}`)
  }
  return times
}

/** The nearest-rank percentile `p` (0-100) of a non-empty list. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

type PathName = 'direct' | 'headers' | 'tweaks' | 'flowRead' | 'whoami'

/** CPU time in µs: in user space (JavaScript, V8) and in the kernel. */
interface Cpu {
  user: number
  system: number
}

const perRequest = (before: Cpu, after: Cpu, requests: number): Cpu => ({
  user: (after.user - before.user) / requests,
  system: (after.system - before.system) / requests
})
const both = (cpu: Cpu): number => cpu.user + cpu.system
const medianCpu = (values: Cpu[]): Cpu => ({
  user: median(values.map((c) => c.user)),
  system: median(values.map((c) => c.system))
})

interface Batch {
  p50: number
  p99: number
  /** CPU per request of the key server (when one served the batch) and of the stand-in. */
  flowkeys: Cpu | null
  standin: Cpu
  /** Stand-in requests per timed request: runs and flow reads. */
  runs: number
  flowReads: number
}

/**
 * FlowKeys' own steps of a run that involve no network, timed in this process (µs per call): parsing the flow the
 * upstream answered, the caller's variable lookup (a store read and one decryption), and the credential plans:
 * all the caller's variables as headers (the default), and from the flow for each carrier (tweaks with its body).
 */
async function inProcessSteps(
  ctx: BenchContext,
  dir: string,
  flowText: string
): Promise<{ parse: number; lookup: number; planAll: number; planHeaders: number; planTweaks: number }> {
  const core = await ctx.openCore(dir)
  try {
    const userId = core.superuser().id
    const flow = (JSON.parse(flowText) as { data: unknown }).data
    const value = (await core.variables.lookupFor(userId))(VARIABLE)
    if (!value) throw new Error(`the superuser has no ${VARIABLE}`)
    const lookup: VariableLookup = (name) => (name === VARIABLE ? value : null)
    const plan = (headersHonoured: boolean) =>
      planCredentials({ flow, tweaks: null, lookup, headersHonoured })
    const variables = { names: [VARIABLE], lookup }
    if (
      plan(true).carrier !== 'headers' ||
      plan(false).carrier !== 'tweaks' ||
      !allAsHeaders(variables, null)
    )
      throw new Error('the credential plan did not choose the carrier asked for')
    const us = (ns: number): number => ns / 1000
    return {
      parse: us(await timeCalls(STEP_CALLS, async () => void JSON.parse(flowText))),
      lookup: us(
        await timeCalls(STEP_CALLS, async () => void (await core.variables.lookupFor(userId))(VARIABLE))
      ),
      planAll: us(await timeCalls(STEP_CALLS, async () => void allAsHeaders(variables, null))),
      planHeaders: us(await timeCalls(STEP_CALLS, async () => void plan(true))),
      planTweaks: us(
        await timeCalls(
          STEP_CALLS,
          async () => void JSON.stringify({ ...(JSON.parse(RUN_BODY) as object), tweaks: plan(false).tweaks })
        )
      )
    }
  } finally {
    await core.close()
  }
}

/** A data directory with the superuser, one key and the superuser's OPENAI_API_KEY; returns the key. */
async function prepareCaller(ctx: BenchContext, name: string): Promise<{ dir: string; key: string }> {
  const { dir, keys } = await ctx.prepare(name, { keys: 1 })
  const core = await ctx.openCore(dir)
  try {
    await core.variables.create(core.superuser().id, {
      name: VARIABLE,
      value: `sk-bench-${name}-0123456789abcdef`
    })
  } finally {
    await core.close()
  }
  return { dir, key: keys[0]! }
}

const us = (value: number): string => `${num(value)} µs`
/** "total (user + kernel)", or a dash. */
const cpuCell = (cpu: Cpu | null): string =>
  cpu ? `${us(both(cpu))} (${num(cpu.user)} + ${num(cpu.system)})` : '—'

/**
 * The gateway's cost: `POST /api/v1/run/{flow}` through FlowKeys (key check, the caller's credentials injected, the
 * run forwarded) against the same run sent to the stand-in Langflow directly.
 */
export async function gateway(ctx: BenchContext): Promise<Section> {
  ctx.log(
    `gateway vs the stand-in Langflow directly (${ctx.rounds} rounds x ${num(REQUESTS)} sequential requests, then ${ctx.seconds}s of load)`
  )
  const loadAtStart = loadavg()[0]!
  const headersCaller = await prepareCaller(ctx, 'gateway-headers')
  const tweaksCaller = await prepareCaller(ctx, 'gateway-tweaks')
  let standin: StandinChild | undefined
  const servers: ServerChild[] = []
  const agents: Agent[] = []
  try {
    // The stand-in holds no OPENAI_API_KEY of its own: a run the credential did not reach would fail (500).
    standin = await StandinChild.start({ honourGlobalVarHeaders: true, tokenDelayMs: 0 }, ctx.env)
    const flowReply = await get(standin.url + FLOW_PATH, apiKeyHeader(standin.apiKey))
    if (flowReply.status !== 200) throw new Error(`the stand-in answered ${flowReply.status} for the flow`)
    const flowText = flowReply.body.toString('utf8')
    const steps = await inProcessSteps(ctx, headersCaller.dir, flowText)
    const upstreamEnv = (carrier: 'headers' | 'tweaks'): NodeJS.ProcessEnv => ({
      ...ctx.env,
      FLOWKEYS_UPSTREAM_URL: standin!.url,
      FLOWKEYS_UPSTREAM_API_KEY: standin!.apiKey,
      FLOWKEYS_UPSTREAM_CREDENTIALS: carrier
    })
    const viaHeaders = await ServerChild.start('flowkeys', headersCaller.dir, upstreamEnv('headers'))
    servers.push(viaHeaders)
    const viaTweaks = await ServerChild.start('flowkeys', tweaksCaller.dir, upstreamEnv('tweaks'))
    servers.push(viaTweaks)

    const targets: Record<PathName, Target> = {
      // The direct caller sends the credential itself, as a client of Langflow ≥ 1.8 would: the same run upstream.
      direct: runTarget(standin.url, standin.apiKey, {
        [`X-LANGFLOW-GLOBAL-VAR-${VARIABLE}`]: DIRECT_CREDENTIAL
      }),
      headers: runTarget(viaHeaders.url, headersCaller.key),
      tweaks: runTarget(viaTweaks.url, tweaksCaller.key),
      flowRead: { url: standin.url + FLOW_PATH, method: 'GET', headers: apiKeyHeader(standin.apiKey) },
      whoami: { url: viaHeaders.url + WHOAMI_PATH, method: 'GET', headers: apiKeyHeader(headersCaller.key) }
    }
    const serverOf: Partial<Record<PathName, ServerChild>> = {
      headers: viaHeaders,
      tweaks: viaTweaks,
      whoami: viaHeaders
    }
    const names = Object.keys(targets) as PathName[]
    const agentOf = Object.fromEntries(
      names.map((name) => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 })
        agents.push(agent)
        return [name, agent]
      })
    ) as Record<PathName, Agent>

    // The credential reaches the run: as the direct caller sent it, or by the carrier each server was given.
    await standin.counts()
    for (const [name, expected] of [
      ['direct', 'header'],
      ['headers', 'header'],
      ['tweaks', 'tweak']
    ] as const) {
      await sequential(targets[name], agentOf[name], 1)
      const { last } = await standin.counts()
      const headersSent = expected === 'header' ? [VARIABLE] : []
      if (
        last?.status !== 200 ||
        JSON.stringify(last.globalVarHeaders) !== JSON.stringify(headersSent) ||
        JSON.stringify(last.credentialSources) !== JSON.stringify([expected])
      ) {
        throw new Error(`the ${name} run reached the stand-in as ${JSON.stringify(last)}`)
      }
    }

    // Latency: every path in turn, one round after the other, each round starting with the next path.
    for (const name of names) await sequential(targets[name], agentOf[name], WARMUP)
    const batches: Record<PathName, Batch[]> = {
      direct: [],
      headers: [],
      tweaks: [],
      flowRead: [],
      whoami: []
    }
    for (let round = 0; round < ctx.rounds; round++) {
      for (const i of rotated(names.length, round)) {
        const name = names[i]!
        const server = serverOf[name]
        await sequential(targets[name], agentOf[name], REWARM)
        await standin.counts()
        const standinBefore = await standin.cpu()
        const flowkeysBefore = server ? await server.cpu() : null
        const times = await sequential(targets[name], agentOf[name], REQUESTS)
        const standinAfter = await standin.cpu()
        const flowkeysAfter = server ? await server.cpu() : null
        const counts = await standin.counts()
        if (counts.failed > 0)
          throw new Error(`the stand-in answered ${counts.failed} requests with an error`)
        batches[name].push({
          p50: percentile(times, 50),
          p99: percentile(times, 99),
          flowkeys:
            flowkeysBefore && flowkeysAfter ? perRequest(flowkeysBefore, flowkeysAfter, REQUESTS) : null,
          standin: perRequest(standinBefore, standinAfter, REQUESTS),
          runs: counts.runs / REQUESTS,
          flowReads: counts.flowReads / REQUESTS
        })
      }
    }
    for (const agent of agents) agent.destroy()

    // Throughput: the run, direct and through FlowKeys (headers), taking turns.
    const loads: Record<'direct' | 'headers', (LoadResult & { flowkeys: Cpu; standin: Cpu })[]> = {
      direct: [],
      headers: []
    }
    const loadOptions = (target: Target) => ({
      requests: [
        {
          method: target.method,
          path: new URL(target.url).pathname + new URL(target.url).search,
          headers: target.headers,
          body: target.body
        }
      ],
      connections: CONNECTIONS,
      seconds: ctx.seconds
    })
    const baseOf = { direct: standin.url, headers: viaHeaders.url }
    for (const name of ['direct', 'headers'] as const) {
      await load(baseOf[name], { ...loadOptions(targets[name]), seconds: 2 })
    }
    for (let round = 0; round < ctx.rounds; round++) {
      const order = round % 2 === 0 ? (['direct', 'headers'] as const) : (['headers', 'direct'] as const)
      for (const name of order) {
        const options = loadOptions(targets[name])
        await rewarm(baseOf[name], options)
        const before = { standin: await standin.cpu(), flowkeys: await viaHeaders.cpu() }
        const run = await load(baseOf[name], options)
        const after = { standin: await standin.cpu(), flowkeys: await viaHeaders.cpu() }
        loads[name].push({
          ...run,
          flowkeys: perRequest(before.flowkeys, after.flowkeys, run.total),
          standin: perRequest(before.standin, after.standin, run.total)
        })
      }
    }
    const tally = await standin.counts()
    if (tally.failed > 0) throw new Error(`the stand-in answered ${tally.failed} requests with an error`)

    // Summaries: medians over the rounds; the added latency is the median of each round's difference.
    const m = Object.fromEntries(
      names.map((name) => {
        const b = batches[name]
        const flowkeys = b.map((x) => x.flowkeys).filter((x): x is Cpu => x !== null)
        return [
          name,
          {
            p50: median(b.map((x) => x.p50)),
            p99: median(b.map((x) => x.p99)),
            flowkeys: flowkeys.length ? medianCpu(flowkeys) : null,
            standin: medianCpu(b.map((x) => x.standin)),
            runs: median(b.map((x) => x.runs)),
            flowReads: median(b.map((x) => x.flowReads))
          }
        ]
      })
    ) as Record<PathName, Batch>
    const added = (name: PathName, p: 'p50' | 'p99'): number =>
      median(batches[name].map((b, i) => b[p] - batches.direct[i]![p]))
    const added50 = added('headers', 'p50')
    const added99 = added('headers', 'p99')
    const tweaks50 = added('tweaks', 'p50')
    const tweaks99 = added('tweaks', 'p99')
    const rps = {
      direct: median(loads.direct.map((r) => r.rps)),
      headers: median(loads.headers.map((r) => r.rps))
    }
    const ratio = rps.headers / rps.direct
    const roundRatios = loads.headers.map((r, i) => r.rps / loads.direct[i]!.rps)
    const loadCpu = {
      flowkeys: medianCpu(loads.headers.map((r) => r.flowkeys)),
      standinDirect: medianCpu(loads.direct.map((r) => r.standin)),
      standinThrough: medianCpu(loads.headers.map((r) => r.standin))
    }

    const LABELS: Record<PathName, string> = {
      direct: 'run, direct to the stand-in (its key)',
      headers: 'run through FlowKeys, credentials as headers',
      tweaks: 'run through FlowKeys, credentials as tweaks',
      flowRead:
        '`GET /api/v1/flows/{id}` direct to the stand-in (the read FlowKeys makes per run with tweaks)',
      whoami: '`GET /api/v1/users/whoami` on FlowKeys (key check, no upstream)'
    }
    const latencyTable = names
      .map(
        (name) =>
          `| ${LABELS[name]} | ${ms(m[name].p50, 3)} | ${ms(m[name].p99, 3)} | ${cpuCell(m[name].flowkeys)} | ${us(both(m[name].standin))} | ${num(m[name].runs, 2)} + ${num(m[name].flowReads, 2)} |`
      )
      .join('\n')
    const pair = (b: Batch): string => `${ms(b.p50, 3)} / ${ms(b.p99, 3)}`
    const perRound = batches.direct
      .map(
        (d, i) =>
          `| ${i + 1} | ${pair(d)} | ${pair(batches.headers[i]!)} | ${pair(batches.tweaks[i]!)} | ${ms(batches.flowRead[i]!.p50, 3)} | ${ms(batches.whoami[i]!.p50, 3)} | ${num(loads.direct[i]!.rps)} | ${num(loads.headers[i]!.rps)} |`
      )
      .join('\n')

    return {
      title: 'Gateway: a run through FlowKeys vs the stand-in Langflow directly',
      rows: [
        {
          figure: 'gateway: added latency p50 (through FlowKeys − direct to the stand-in)',
          value: `${ms(added50, 3)} (${ms(m.headers.p50, 3)} vs ${ms(m.direct.p50, 3)})`,
          target: `< ${TARGET_MS} ms`,
          met: added50 < TARGET_MS
        },
        {
          figure: 'gateway: added latency p99 (through FlowKeys − direct to the stand-in)',
          value: `${ms(added99, 3)} (${ms(m.headers.p99, 3)} vs ${ms(m.direct.p99, 3)})`,
          target: '—'
        },
        {
          figure: 'gateway: run throughput through FlowKeys / direct to the stand-in',
          value: `${num(ratio * 100, 1)}% (${num(rps.headers)} vs ${num(rps.direct)} req/s; median of the rounds' ratios ${num(median(roundRatios) * 100, 1)}%)`,
          target: '—'
        }
      ],
      details: `\`POST ${RUN_PATH.replace(BASIC_PROMPTING_ID, '{flow}')}\` with the body \`${RUN_BODY}\`, on the stand-in Langflow of the tests (test/fixtures/langflow-upstream/standin.ts: the Basic Prompting starter, whose model field loads \`${VARIABLE}\` from the database; Langflow 1.12.0 by its version, honouring \`X-LANGFLOW-GLOBAL-VAR-*\` headers; it answers a RunResponse without calling any model, and holds no \`${VARIABLE}\` of its own, so a run the credential did not reach fails). Three processes: the load generator (this harness), FlowKeys' key server (bench/server-child.ts, \`FLOWKEYS_UPSTREAM_URL\` and \`FLOWKEYS_UPSTREAM_API_KEY\` in its environment) and the stand-in (bench/standin-child.ts, run with tsx). "Direct" sends the run to the stand-in with its own key and the credential as the \`X-LANGFLOW-GLOBAL-VAR-${VARIABLE}\` header a client of Langflow ≥ 1.8 would send itself (so the stand-in does the same work for both); "through FlowKeys" sends it to the key server with a FlowKeys key of the superuser, who holds an \`${VARIABLE}\` variable. The carrier is set (\`FLOWKEYS_UPSTREAM_CREDENTIALS=headers\`, so no version probe; \`auto\` would ask the upstream's version once per 10 minutes and choose headers here): the credential goes as an \`X-LANGFLOW-GLOBAL-VAR-${VARIABLE}\` header, checked on the stand-in before timing. With headers FlowKeys sends all of the caller's variables and makes one upstream request per run, the run, whose answer is streamed back, over one keep-alive agent (src/main/upstream/client.ts); with tweaks (and with \`FLOWKEYS_UPSTREAM_VARIABLES=named\`, or when a variable cannot go as a header) it first reads the flow, \`GET /api/v1/flows/{id}\`, on every run so that an edit upstream counts from the next run, and parses it to find the fields that load variables (src/main/gateway/gateway.ts). The stand-in's own count of what it received confirms it: per timed request through FlowKeys with headers, ${num(m.headers.runs, 2)} run and ${num(m.headers.flowReads, 2)} flow read; with tweaks, ${num(m.tweaks.runs, 2)} and ${num(m.tweaks.flowReads, 2)}.

**Latency**: one client, one keep-alive connection per path, each request awaited before the next, timed from sending to the end of the answer; ${num(WARMUP)} untimed requests per path first; then ${ctx.rounds} rounds, in each of which every path runs ${num(REWARM)} untimed then ${num(REQUESTS)} timed requests, the paths taking turns (each round starting with the next). Percentiles are nearest-rank over a batch's ${num(REQUESTS)} times; the table gives their medians over the rounds; the added latency in the summary is the median of each round's difference (through − direct, same round). CPU per request is each process's user + kernel time over the timed batch, divided by its requests.

| path | p50 | p99 | FlowKeys CPU / request (user + kernel) | stand-in CPU / request | stand-in requests per request (runs + flow reads) |
|---|---|---|---|---|---|
${latencyTable}

Added over direct (median of the rounds' differences): headers ${ms(added50, 3)} at p50, ${ms(added99, 3)} at p99; tweaks (\`FLOWKEYS_UPSTREAM_CREDENTIALS=tweaks\`, a second key server on the same stand-in: the flow is read on every run and the credential goes into the body's tweaks; a cost close to \`FLOWKEYS_UPSTREAM_VARIABLES=named\`, which reads the flow the same way and sends headers) ${ms(tweaks50, 3)} at p50, ${ms(tweaks99, 3)} at p99.

**Where the added time goes**, in pieces measured separately (they are not an exact split of the difference): a run through FlowKeys with headers makes the same one upstream request as the direct call, so the difference is FlowKeys' own work and one more hop on loopback; with tweaks it waits on two round trips one after the other, the flow read and the run, and the flow read alone, sent directly, takes ${ms(m.flowRead.p50, 3)} at p50 (its answer is the ${num(flowText.length)}-byte flow). FlowKeys spends ${cpuCell(m.headers.flowkeys)} of CPU per run with headers, against ${cpuCell(m.whoami.flowkeys)} for \`GET /api/v1/users/whoami\`, an authenticated request that forwards nothing (p50 ${ms(m.whoami.p50, 3)}); the stand-in spends ${us(both(m.headers.standin))} per run through FlowKeys against ${us(both(m.direct.standin))} per direct run (with tweaks it answers the flow read too, which costs it ${us(both(m.flowRead.standin))} when sent directly). In this process, FlowKeys' steps of a run that touch no network take: parsing the flow's JSON ${num(steps.parse)} µs, the caller's variable lookup (a store read and one decryption) ${num(steps.lookup)} µs, the credential plan ${num(steps.planAll)} µs with all the caller's variables as headers, and from the flow ${num(steps.planHeaders)} µs for headers and ${num(steps.planTweaks)} µs for tweaks (with the body it rewrites); means of ${num(STEP_CALLS)} calls. The rest of FlowKeys' CPU per run, not timed apart here, is its HTTP server (Fastify's lifecycle, the key check, the access log), the HTTP client request(s) and their answers, and the relay of the run's answer; \`BENCH_CPU_PROF=<dir>\` writes a V8 CPU profile of both key-server children to see it.

Round by round:

| round | direct p50 / p99 | through (headers) p50 / p99 | through (tweaks) p50 / p99 | flow read p50 | whoami p50 | direct req/s | through req/s |
|---|---|---|---|---|---|---|---|
${perRound}

**Throughput**: autocannon (bench/load.ts), ${CONNECTIONS} connections, no pipelining, the same run request; ${ctx.seconds} s per round after a 2 s warm-up, direct and through FlowKeys (headers) taking turns (which first alternating), each preceded by ${REWARM_SECONDS} s of the same load, not measured; medians of ${ctx.rounds} rounds. Under this load FlowKeys used ${cpuCell(loadCpu.flowkeys)} of CPU per run, and the stand-in ${us(both(loadCpu.standinDirect))} per direct run against ${us(both(loadCpu.standinThrough))} per run through FlowKeys. On a 2-core machine the load generator, FlowKeys and the stand-in share the cores, so the ratio measures the load generator and the stand-in as much as the gateway. Other processes count too: the machine's 1-minute load average was ${num(loadAtStart, 1)} when this section started and ${num(loadavg()[0]!, 1)} when it ended (${cpus().length} cores).`
    }
  } finally {
    for (const agent of agents) agent.destroy()
    for (const child of [...servers, ...(standin ? [standin] : [])]) await stopOrKill(child)
  }
}

/** Stops a child as it expects; one that cannot answer any more (it failed) is killed. */
async function stopOrKill(child: ServerChild | StandinChild): Promise<void> {
  try {
    await child.stop()
  } catch {
    child.child.kill()
    await child.exited
  }
}
