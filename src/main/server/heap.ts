import { setFlagsFromString } from 'node:v8'

/**
 * V8 settings for a process that hosts the key server for hours (`flowkeys serve`, the desktop app). Call it
 * first, before the core opens the store.
 *
 * By default V8 lets its young generation grow to 32 MB as soon as a burst of allocation survives (parsing a
 * large store does), and lets the heap double before it collects again. For a background service that holds a
 * few tens of MB of live data, that is most of its resident memory. Here the young generation keeps its initial
 * size and the heap grows by 20% between collections: about 50 MB less resident under load with 10,000 keys
 * and variables, for a few percent more CPU (docs/BENCHMARKS.md measures both). Both flags are read by V8 as the
 * heap grows, so they take effect when set at run time (unlike --max-semi-space-size).
 *
 * The young generation is then collected often, and what survives a collection is small (a few tens of KB
 * under the key server's usual load): the collection costs its fixed part, and handing that part to helper
 * threads costs more than it saves. Each one waits for threads that must first get a core, which, on a machine
 * whose other cores run the very clients being served, made the pauses half as long again (measured with
 * --trace-gc-nvp: 0.3 ms against 0.2 ms for one thread). V8 reads this flag at each collection.
 */
const SERVICE_HEAP_FLAGS = [
  '--semi-space-growth-factor=1',
  '--heap-growing-percent=20',
  '--no-parallel-scavenge'
] as const

export function tuneHeapForService(): void {
  for (const flag of SERVICE_HEAP_FLAGS) setFlagsFromString(flag)
}
