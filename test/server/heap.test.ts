import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { bundle } from '../helpers/bundle'

/** The young generation's size (MB) in a fresh Node process after a burst of surviving allocations. */
function youngGenerationAfterBurst(tuned: boolean): number {
  const script = `import { getHeapSpaceStatistics } from 'node:v8'
    import { tuneHeapForService } from ${JSON.stringify(bundle('src/main/server/heap.ts'))}
    if (${tuned}) tuneHeapForService()
    let kept = []
    for (let i = 0; i < 2e6; i++) { kept.push({ i, s: 'x' + i }); if (kept.length > 5000) kept = [] }
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')
    process.stdout.write(String(young.space_size / 1048576))`
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }))
}

describe('service heap settings', () => {
  it('keep the young generation small where V8 would grow it (set at run time, in the process itself)', () => {
    const untuned = youngGenerationAfterBurst(false)
    const tuned = youngGenerationAfterBurst(true)
    expect(untuned).toBeGreaterThan(8)
    expect(tuned).toBeLessThanOrEqual(4)
  })
})
