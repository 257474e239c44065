// `npm run bench`: runs every benchmark once on this machine and writes docs/BENCHMARKS.md.
import { writeFileSync } from 'node:fs'
import { oneLine } from '../src/main/base/errors'
import { BenchContext, type Section } from './context'
import { gateway } from './gateway'
import { importEnv } from './import-env'
import { instructions } from './instructions'
import { keyScaling } from './keys'
import { memory } from './memory'
import { postgresStore } from './postgres'
import { renderReport } from './report'
import { startup } from './startup'
import { throughput } from './throughput'
import { variablesPage } from './variables-page'
import { storeWrites } from './writes'

/** BENCH_OUTPUT writes the report elsewhere (a run of some sections only, kept apart from the full one). */
const OUTPUT = process.env.BENCH_OUTPUT ?? 'docs/BENCHMARKS.md'

const BENCHMARKS: { name: string; title: string; run: (ctx: BenchContext) => Promise<Section> }[] = [
  { name: 'throughput', title: 'Authenticated variables list vs bare Node', run: throughput },
  { name: 'instructions', title: 'Instructions per request (callgrind)', run: instructions },
  { name: 'keys', title: 'API-key verification at 10, 1,000 and 10,000 keys', run: keyScaling },
  { name: 'import', title: '.env import', run: importEnv },
  { name: 'startup', title: '`flowkeys serve` start-up', run: startup },
  { name: 'memory', title: 'Peak memory', run: memory },
  { name: 'writes', title: 'Store writes under load', run: storeWrites },
  { name: 'postgres', title: 'PostgreSQL team store beside the JSON file', run: postgresStore },
  {
    name: 'gateway',
    title: 'Gateway: a run through FlowKeys vs the stand-in Langflow directly',
    run: gateway
  },
  {
    name: 'variables-page',
    title: 'Global variables page with 10,000 variables (Chromium)',
    run: variablesPage
  }
]

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`)
  return value
}

const rounds = Math.round(positive('BENCH_ROUNDS', 5))
const seconds = positive('BENCH_SECONDS', 4)
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim())

const ctx = new BenchContext(rounds, seconds)
const started = new Date()
const sections: Section[] = []
const failures: { title: string; error: string }[] = []
try {
  for (const bench of BENCHMARKS) {
    if (only && !only.includes(bench.name)) continue
    const t0 = Date.now()
    try {
      sections.push(await bench.run(ctx))
      ctx.log(`${bench.name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
    } catch (err) {
      // One broken benchmark must not hide the others' figures: it is reported in the file instead.
      ctx.log(`${bench.name} FAILED: ${err instanceof Error ? err.stack : String(err)}`)
      failures.push({ title: bench.title, error: oneLine(err) })
    }
  }
} finally {
  ctx.dispose()
}
const report = renderReport({
  sections,
  started,
  elapsedSeconds: (Date.now() - started.getTime()) / 1000,
  rounds,
  seconds,
  failures
})
writeFileSync(OUTPUT, report)
ctx.log(`wrote ${OUTPUT}`)
process.stdout.write(
  sections
    .flatMap((s) => s.rows)
    .map(
      (r) =>
        `${r.met === undefined ? '   ' : r.met ? 'ok ' : 'NO '} ${r.figure}: ${r.value} (target ${r.target})`
    )
    .join('\n') + '\n'
)
process.exitCode = failures.length > 0 ? 1 : 0
