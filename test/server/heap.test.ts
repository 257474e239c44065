import { execFileSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { bundle } from '../helpers/bundle'

interface Burst {
  /** The young generation's size (MB) after the burst. */
  youngMb: number
  /** Young-generation collections in which V8's helper threads took part (from --trace-gc-nvp). */
  helpedScavenges: number
  scavenges: number
}

/** A burst of surviving allocations in a fresh Node process, with or without the service settings. */
function burst(tuned: boolean): Burst {
  const script = `import { getHeapSpaceStatistics } from 'node:v8'
    import { tuneHeapForService } from ${JSON.stringify(bundle('src/main/server/heap.ts'))}
    if (${tuned}) tuneHeapForService()
    let kept = []
    for (let i = 0; i < 2e6; i++) { kept.push({ i, s: 'x' + i }); if (kept.length > 5000) kept = [] }
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')
    process.stdout.write('young=' + young.space_size / 1048576 + '\\n')`
  const out = execFileSync(process.execPath, ['--trace-gc-nvp', '--input-type=module', '-e', script], {
    encoding: 'utf8'
  })
  const scavenges = out.split('\n').filter((line) => line.includes('gc=s '))
  const helped = scavenges.filter((line) => {
    const work = /background\.scavenge\.parallel=([\d.]+)/.exec(line)?.[1]
    return work !== undefined && Number(work) > 0
  })
  return {
    youngMb: Number(/^young=([\d.]+)$/m.exec(out)?.[1] ?? NaN),
    helpedScavenges: helped.length,
    scavenges: scavenges.length
  }
}

describe('service heap settings (set at run time, in the process itself)', () => {
  let untuned: Burst
  let tuned: Burst
  beforeAll(() => {
    untuned = burst(false)
    tuned = burst(true)
  })

  it('keep the young generation small where V8 would grow it', () => {
    expect(untuned.youngMb).toBeGreaterThan(8)
    expect(tuned.youngMb).toBeLessThanOrEqual(4)
  })

  it('collect the young generation on the main thread alone', () => {
    expect(untuned.helpedScavenges).toBeGreaterThan(0)
    expect(tuned.scavenges).toBeGreaterThan(0)
    expect(tuned.helpedScavenges).toBe(0)
  })
})
