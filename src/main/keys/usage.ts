import type { Store, UsageCount } from '../store/backend'

/** As counted: the time as a number, made an ISO string only when read or written (not on every request). */
interface Counted {
  uses: number
  lastUsedMs: number
}

/** The share of its time a server may spend writing usage counts: a large store waits longer between writes. */
const MAX_FLUSH_SHARE = 0.01
/** Counts wait no longer than this to reach the file, however slow a write is. */
const MAX_INTERVAL_MS = 60_000

/**
 * Counts API-key uses in memory and writes them to the store in batches (at most about once a second, and on
 * close), so a busy server does not rewrite the store on every request, and a clean stop loses nothing.
 *
 * A write serialises the whole store: about 25 ms with 10,000 keys, while the event loop waits. The delay after
 * the first count is therefore at least `intervalMs` and at least 100 times the last write (a 1% share), up to
 * a minute. Readers in this process see live counts meanwhile (pendingFor).
 */
export class UsageCounter {
  private pending = new Map<string, Counted>()
  private timer: NodeJS.Timeout | undefined
  private flushing: Promise<void> = Promise.resolve()

  constructor(
    private readonly store: Pick<Store, 'addUsage' | 'lastWriteMs'>,
    private readonly intervalMs = 1_000
  ) {}

  /** How long counts wait before they are written (see the class comment). */
  flushDelayMs(): number {
    return Math.min(MAX_INTERVAL_MS, Math.max(this.intervalMs, this.store.lastWriteMs / MAX_FLUSH_SHARE))
  }

  /** Counts one use of the key at `ms` (epoch milliseconds, now by default). */
  record(keyId: string, ms: number = Date.now()): void {
    const entry = this.pending.get(keyId)
    if (entry) {
      entry.uses++
      if (ms > entry.lastUsedMs) entry.lastUsedMs = ms
    } else {
      this.pending.set(keyId, { uses: 1, lastUsedMs: ms })
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        void this.flush().catch(() => undefined)
      }, this.flushDelayMs())
      this.timer.unref()
    }
  }

  /** Uses counted but not yet written, so readers can show exact live numbers. */
  pendingFor(keyId: string): UsageCount | undefined {
    const counted = this.pending.get(keyId)
    return counted && { uses: counted.uses, lastUsedAt: new Date(counted.lastUsedMs).toISOString() }
  }

  /** Writes what was counted; on failure the counts are kept for the next flush. */
  flush(): Promise<void> {
    // A failed flush must not stop later ones: chain on the settled previous flush.
    this.flushing = this.flushing
      .catch(() => undefined)
      .then(async () => {
        if (this.pending.size === 0) return
        const batch = this.pending
        this.pending = new Map()
        try {
          const counts = new Map<string, UsageCount>()
          for (const [id, c] of batch)
            counts.set(id, { uses: c.uses, lastUsedAt: new Date(c.lastUsedMs).toISOString() })
          await this.store.addUsage(counts)
        } catch (err) {
          for (const [id, counted] of batch) {
            const now = this.pending.get(id)
            this.pending.set(id, {
              uses: counted.uses + (now?.uses ?? 0),
              lastUsedMs: Math.max(now?.lastUsedMs ?? 0, counted.lastUsedMs)
            })
          }
          throw err
        }
      })
    return this.flushing
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    await this.flush()
  }
}
