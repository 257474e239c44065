import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'

/**
 * V8 settings for a process that hosts the key server for hours (`flowkeys serve`, the desktop app). Call it
 * first, before the core opens the store.
 *
 * By default V8 lets its young generation grow to 32 MB as soon as a burst of allocation survives (parsing a
 * large store does), and lets the heap double before it collects again. For a background service that holds a
 * few tens of MB of live data, that is most of its resident memory. Here the young generation is held at
 * 2 × SEMI_SPACE_BYTES (holdSemiSpace, which owns the young generation's growth factor) and the heap grows by
 * 20% between collections: about 50 MB less resident under load with 10,000 keys and variables, for a little
 * more CPU (docs/BENCHMARKS.md measures both). V8 reads both the growth factor and the growing percentage as the
 * heap grows, so they take effect when set at run time (unlike --max-semi-space-size).
 *
 * The young generation is then collected more often than by default, and what survives a collection is small
 * (a few tens of KB under the key server's usual load): the collection costs its fixed part, and handing that
 * part to helper threads costs more than it saves. Each one waits for threads that must first get a core,
 * which, on a machine whose other cores run the very clients being served, made the pauses half as long again
 * (measured with --trace-gc-nvp: 0.3 ms against 0.2 ms for one thread). V8 reads this flag at each collection.
 */
const SERVICE_HEAP_FLAGS = ['--heap-growing-percent=20', '--no-parallel-scavenge'] as const

/**
 * The size of each of the young generation's two semi-spaces under load (the young generation takes twice
 * that). Each collection of it costs about the same whatever its size (what survives is the requests in flight),
 * so its size sets how many requests share one: at 4 MB, about 400 of the key server's; at V8's initial 1 MB,
 * 100. 4 MB is also what Node reaches while loading the application, the size the peak-memory benchmark has
 * measured.
 */
const SEMI_SPACE_BYTES = 4 * 1024 * 1024

export function tuneHeapForService(): void {
  for (const flag of SERVICE_HEAP_FLAGS) setFlagsFromString(flag)
  holdSemiSpace(SEMI_SPACE_BYTES)
}

/** The capacity of the young generation's semi-space now, in bytes (a little less than its pages). */
export function semiSpaceBytes(): number {
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')
  return young ? young.space_used_size + young.space_available_size : 0
}

/**
 * Holds the young generation's semi-spaces at `target` bytes while the process allocates. A growth factor of 1
 * alone does not: it freezes the size wherever it stands, and V8 shrinks the young generation back to its
 * initial size whenever the process idles (the memory reducer, or a collection at a low allocation rate), so a
 * server that had a quiet minute went on collecting four times as often (measured in the throughput benchmark,
 * where each server idles while the others are measured: most of the gap between the key server and the same
 * server on V8's defaults). V8 grows the semi-spaces, by the growth factor, once what survived its collections
 * since the last growth exceeds their size; after each young collection the factor is set to reach `target` in
 * one step, and back to 1 at `target`. It is set between collections (the observer hears of them after the
 * fact), so a long synchronous burst of surviving allocations right after a shrink could still grow them once
 * more, at most as far as V8's default, until the next idle shrink.
 */
function holdSemiSpace(target: number): void {
  // Unknown until the first adjust() sets it: V8's default is 2.
  let factor = 0
  const adjust = (): void => {
    const size = semiSpaceBytes()
    const wanted = size > 0 && size < target ? Math.max(1, Math.floor(target / size)) : 1
    if (wanted === factor) return
    factor = wanted
    setFlagsFromString(`--semi-space-growth-factor=${wanted}`)
  }
  adjust()
  const observer = new PerformanceObserver((list) => {
    if (list.getEntries().some(isYoungCollection)) adjust()
  })
  observer.observe({ entryTypes: ['gc'] })
}

function isYoungCollection(entry: PerformanceEntry): boolean {
  // Node's typings leave out the `detail` of its gc entries ({ kind, flags }).
  const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } }
  return detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR
}
