import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { UsageCounter } from '../../src/main/keys/usage'
import type { UsageCount } from '../../src/main/store/backend'

/** A store that counts its writes and says how long the last one took (as Store.lastWriteMs does). */
function fakeStore(lastWriteMs: number) {
  const store = {
    writes: 0,
    lastWriteMs,
    addUsage: async (_counts: ReadonlyMap<string, UsageCount>): Promise<void> => {
      store.writes++
    }
  }
  return store
}

describe('usage counter write timing', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it.each([
    ['a small store: after the interval', 0.5, 1_000],
    ['a store whose write took 25 ms: after 2.5 s (1% of the time)', 25, 2_500],
    ['a very slow write: after a minute at most', 5_000, 60_000]
  ])('writes counts of %s', async (_what, lastWriteMs, delay) => {
    const store = fakeStore(lastWriteMs)
    const counter = new UsageCounter(store, 1_000)
    expect(counter.flushDelayMs()).toBe(delay)
    counter.record('k1')
    counter.record('k1')
    await vi.advanceTimersByTimeAsync(delay - 1)
    expect(store.writes).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(store.writes).toBe(1) // both counts in one write
    await counter.close()
    expect(store.writes).toBe(1) // nothing left to write
  })

  it('writes what is pending on close, without waiting for the delay', async () => {
    const store = fakeStore(25)
    const counter = new UsageCounter(store, 1_000)
    counter.record('k1')
    await counter.close()
    expect(store.writes).toBe(1)
  })
})
