import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { bundle } from '../test/helpers/bundle'
import { get, LineChild, ServerChild } from './children'
import type { BenchContext, Section } from './context'
import type { ServerMode } from './server-child'
import { num } from './stats'
import {
  CONNECTIONS,
  prepareVariablesWorkload,
  SERVER_LABELS,
  VARIABLES,
  VARIABLES_PATH
} from './variables-workload'

/** Requests before counting: enough for the hot functions to be optimised, even at valgrind's pace. */
const WARM_UP = 10_000
/**
 * Requests counted. Work that comes once in a while (a young-generation collection every few hundred requests,
 * a full one now and then, the usage count written once a second) lands in the window or not: with 2,000
 * counted, runs of the same code differed by up to 15% (110,000-123,000 for FlowKeys); with 10,000, by 1.5%
 * (97,500-99,000).
 */
const COUNTED = 10_000

const SERVERS = (['flowkeys', 'fastify', 'bare'] as const).map((mode) => ({
  mode,
  label: SERVER_LABELS[mode]
}))

function hasValgrind(): boolean {
  return spawnSync('valgrind', ['--version'], { stdio: 'ignore' }).status === 0
}

/**
 * The throughput benchmark's request, counted in machine instructions rather than timed: each server runs under
 * callgrind, which counts every instruction the process executes, whatever else the machine is doing. The
 * count is repeatable within several percent from run to run, where the requests per second of one server vary by half
 * on this VM; it measures the code's cost, not the kernel's or the load generator's.
 */
export async function instructions(ctx: BenchContext): Promise<Section> {
  const title = 'Instructions per request (callgrind)'
  const figure = 'GET /api/v1/variables/ main-thread instructions per request, FlowKeys vs bare node:http'
  if (!hasValgrind()) {
    return {
      title,
      rows: [{ figure, value: 'not measured (no valgrind on this machine)', target: '—' }],
      details: 'valgrind is not installed here: `apt-get install valgrind` to measure this figure.'
    }
  }
  ctx.log(`instructions per request under callgrind (${WARM_UP} requests to warm up, ${COUNTED} counted)`)
  const { dir, headers } = await prepareVariablesWorkload(ctx, 'instructions')
  const path = VARIABLES_PATH
  const bodyFile = join(dir, 'variables-body.json')
  const capture = await ServerChild.start('flowkeys', dir, ctx.env)
  try {
    writeFileSync(bodyFile, (await get(capture.url + path, headers)).body)
  } finally {
    await capture.stop()
  }

  const counts = {} as Record<(typeof SERVERS)[number]['mode'], number>
  for (const { mode } of SERVERS) {
    counts[mode] = await countPerRequest(ctx, mode, mode === 'flowkeys' ? dir : bodyFile, path, headers)
  }
  const ratio = (mode: keyof typeof counts): string => `${num(counts[mode] / counts.bare, 2)}×`
  const table = SERVERS.map(
    ({ mode, label }) =>
      `| ${label} | ${num(counts[mode])} | ${ratio(mode)} | ${num(counts[mode] - counts.bare)} |`
  ).join('\n')
  return {
    title,
    rows: [
      {
        figure,
        value: `${num(counts.flowkeys)} vs ${num(counts.bare)} (${ratio('flowkeys')}; bare Fastify ${ratio('fastify')})`,
        target: '—'
      }
    ],
    details: `The throughput benchmark's request (${VARIABLES} variables, a valid \`x-api-key\`, usage tracking and the access log on), counted instead of timed: each server runs alone under \`valgrind --tool=callgrind\`, takes ${num(WARM_UP)} requests to warm up (autocannon, ${CONNECTIONS} connections), then the counters are zeroed and ${num(COUNTED)} requests are counted. The figure is the main thread's instructions (JavaScript, V8 and Node, libuv, but not the kernel) divided by the requests; V8's compiler and garbage-collection helper threads are left out. Unlike requests per second, this moves little with what the rest of the machine is doing (runs on the same code differ by 1-2%: enough requests are counted for the occasional work, garbage collections and the timer work below, to average out), so it shows what a change to the code costs or saves. Under valgrind a server runs some 50 times slower, so work done on a timer (the usage count written at most once a second, the listing rebuilt after that write) is spread over fewer requests than at full speed, and FlowKeys' count is a little high for it. FlowKeys runs as \`flowkeys serve\` runs it.

| server | instructions per request | of bare Node | more than bare Node |
|---|---|---|---|
${table}

Before the simplification of issue "Simpler for the next maintainer" (commit 54baf39: runtime V8 heap flags, lent response buffers, an access log writing cached byte pieces), the same measurement on the same machine gave FlowKeys 97,854 and bare \`node:http\` 66,454 instructions per request (1.47×). The code without them counted 102,524 (about 5% more; limit set by that issue: 10%). The store's asynchronous interface (issue "A team's key store": the same core on PostgreSQL) then added about 10%: an awaited store read per request where there was a direct call.`
  }
}

async function countPerRequest(
  ctx: BenchContext,
  mode: ServerMode,
  arg: string,
  path: string,
  headers: Record<string, string>
): Promise<number> {
  const out = join(ctx.newDir(`callgrind-${mode}`), 'callgrind.out')
  const server = new LineChild(
    'valgrind',
    [
      '--tool=callgrind',
      // V8 writes and rewrites machine code at run time.
      '--smc-check=all-non-file',
      '--separate-threads=yes',
      `--callgrind-out-file=${out}`,
      process.execPath,
      bundle('bench/server-child.ts'),
      mode,
      arg
    ],
    ctx.env
  )
  try {
    const { url } = await server.next<{ url: string }>()
    const drive = async (amount: number): Promise<void> => {
      const result = await autocannon({
        url: url + path,
        headers,
        connections: CONNECTIONS,
        amount,
        timeout: 120
      })
      if (result.errors > 0 || result.non2xx > 0) {
        throw new Error(`${mode} under callgrind: ${result.errors} errors, ${result.non2xx} non-2xx`)
      }
    }
    await drive(WARM_UP)
    execFileSync('callgrind_control', ['--zero', String(server.pid)], { stdio: 'ignore' })
    await drive(COUNTED)
    execFileSync('callgrind_control', ['--dump', String(server.pid)], { stdio: 'ignore' })
    // The first dump, thread 1 (the main thread): callgrind.out.1-01.
    const dump = readFileSync(`${out}.1-01`, 'utf8')
    const total = /^summary: (\d+)$/m.exec(dump)?.[1]
    if (!/^thread: 1$/m.test(dump) || total === undefined)
      throw new Error(`${mode}: unexpected callgrind dump`)
    return Number(total) / COUNTED
  } finally {
    server.child.kill('SIGKILL')
    await server.exited
  }
}
