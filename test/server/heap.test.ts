import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { bundle } from '../helpers/bundle'

const MB = 1024 * 1024

interface Burst {
  /** Young-generation collections in which V8's helper threads took part (from --trace-gc-nvp). */
  helpedScavenges: number
  scavenges: number
}

/** A burst of surviving allocations in a fresh Node process, with or without the service settings. */
function burst(tuned: boolean): Burst {
  const script = `import { tuneHeapForService } from ${JSON.stringify(bundle('src/main/server/heap.ts'))}
    if (${tuned}) tuneHeapForService()
    let kept = []
    for (let i = 0; i < 2e6; i++) { kept.push({ i, s: 'x' + i }); if (kept.length > 5000) kept = [] }`
  const out = execFileSync(process.execPath, ['--trace-gc-nvp', '--input-type=module', '-e', script], {
    encoding: 'utf8'
  })
  const scavenges = out.split('\n').filter((line) => line.includes('gc=s '))
  const helped = scavenges.filter((line) => {
    const work = /background\.scavenge\.parallel=([\d.]+)/.exec(line)?.[1]
    return work !== undefined && Number(work) > 0
  })
  return { helpedScavenges: helped.length, scavenges: scavenges.length }
}

/** Semi-space sizes (bytes) seen by a process that serves a load, idles until V8 shrinks it, and serves again. */
interface Cycle {
  /** After the first load, and the largest seen during it. */
  loaded: number
  loadedMax: number
  /** After the idle pause and a young collection at a low allocation rate. */
  idle: number
  /** After the second load, and the largest seen during it. */
  reloaded: number
  reloadedMax: number
}

type Settings = 'service' | 'growth factor 1 alone' | 'V8 defaults'

/**
 * A server's life in small: allocation in steps that yield to the event loop (as requests do), each keeping a
 * few thousand objects alive for a while; then no allocation for longer than V8's allocation-rate window, so that
 * the next young collection shrinks the young generation, as the memory reducer does to an idle server.
 */
async function cycle(settings: Settings): Promise<Cycle> {
  const script = `import { setFlagsFromString } from 'node:v8'
    import { semiSpaceBytes, tuneHeapForService } from ${JSON.stringify(bundle('src/main/server/heap.ts'))}
    const settings = ${JSON.stringify(settings)}
    if (settings === 'service') tuneHeapForService()
    if (settings === 'growth factor 1 alone') setFlagsFromString('--semi-space-growth-factor=1')
    let kept = []
    async function load() {
      let max = 0
      for (let step = 0; step < 300; step++) {
        for (let i = 0; i < 20000; i++) { kept.push({ i, s: 'x' + i }); if (kept.length > 3000) kept = [] }
        await new Promise((resolve) => setImmediate(resolve))
        max = Math.max(max, semiSpaceBytes())
      }
      return max
    }
    const loadedMax = await load()
    const loaded = semiSpaceBytes()
    kept = []
    await new Promise((resolve) => setTimeout(resolve, 5500))
    globalThis.gc({ type: 'minor' })
    const idle = semiSpaceBytes()
    const reloadedMax = await load()
    process.stdout.write(JSON.stringify({ loaded, loadedMax, idle, reloaded: semiSpaceBytes(), reloadedMax }))`
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--input-type=module', '-e', script],
    { encoding: 'utf8' }
  )
  return JSON.parse(stdout) as Cycle
}

describe('service heap settings (set at run time, in the process itself)', () => {
  let untuned: Burst
  let tuned: Burst
  const cycles = {} as Record<Settings, Cycle>
  beforeAll(async () => {
    untuned = burst(false)
    tuned = burst(true)
    const settings: Settings[] = ['service', 'growth factor 1 alone', 'V8 defaults']
    const results = await Promise.all(settings.map(cycle))
    settings.forEach((name, i) => (cycles[name] = results[i]!))
  }, 60_000)

  it('hold the young generation at its set size where V8 would grow it further', () => {
    expect(cycles['V8 defaults'].loaded).toBeGreaterThan(8 * MB)
    const service = cycles.service
    for (const size of [service.loaded, service.loadedMax, service.reloaded, service.reloadedMax]) {
      expect(size).toBeGreaterThan(3.5 * MB)
      expect(size).toBeLessThanOrEqual(4 * MB)
    }
  })

  it('grow it back to that size when load returns after V8 shrank it for an idle pause', () => {
    // The pause did shrink it (otherwise this would prove nothing), and a growth factor of 1 alone keeps it small.
    expect(cycles.service.idle).toBeLessThan(2 * MB)
    expect(cycles['growth factor 1 alone'].idle).toBeLessThan(2 * MB)
    expect(cycles['growth factor 1 alone'].reloaded).toBeLessThan(2 * MB)
    expect(cycles.service.reloaded).toBeGreaterThan(3.5 * MB)
  })

  it('collect the young generation on the main thread alone', () => {
    expect(untuned.helpedScavenges).toBeGreaterThan(0)
    expect(tuned.scavenges).toBeGreaterThan(0)
    expect(tuned.helpedScavenges).toBe(0)
  })
})
