import { RateLimited } from './errors'

/**
 * One client's failure times, oldest first: `times[head]` onwards (the ones before `head` have left the window),
 * so appending and dropping from the front are O(1), however many failures the limit allows.
 */
interface Failures {
  times: number[]
  head: number
}

export const TOO_MANY_FAILURES = 'Too many failed authentication attempts. Try again later.'
export const TOO_MANY_SIGNUPS = 'Too many sign-ups. Try again later.'

export interface FailureLimiterOptions {
  /** Length of the sliding window. */
  windowMs?: number
  /** Failures allowed inside the window; the next attempt is refused until the oldest one ages out. */
  maxFailures?: number
  /** Clients tracked at once; the stalest are dropped first so a flood of addresses cannot grow memory. */
  maxClients?: number
  now?: () => number
}

/**
 * Counts failed authentication attempts per client over a sliding window, so that guessing keys or
 * passwords against the key server is slow. Pure: no timers, the clock is injectable.
 */
export class FailureLimiter {
  readonly windowMs: number
  readonly maxFailures: number
  private readonly maxClients: number
  private readonly now: () => number
  /** Failures per client. A Map keeps insertion order, which makes eviction cheap. */
  private readonly failures = new Map<string, Failures>()

  constructor(options: FailureLimiterOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000
    this.maxFailures = options.maxFailures ?? 20
    this.maxClients = options.maxClients ?? 10_000
    this.now = options.now ?? Date.now
  }

  /** Seconds the client must wait before trying again, or 0 when it may try now. */
  retryAfterSeconds(clientKey: string): number {
    const failures = this.recent(clientKey)
    if (!failures || failures.times.length - failures.head < this.maxFailures) return 0
    // The attempt is allowed again once enough failures have left the window.
    const freeAt = failures.times[failures.times.length - this.maxFailures]! + this.windowMs
    return Math.max(1, Math.ceil((freeAt - this.now()) / 1000))
  }

  /** Throws `RateLimited` (429 over HTTP) when the client has used up its failures. */
  check(clientKey: string, message = TOO_MANY_FAILURES): void {
    const wait = this.retryAfterSeconds(clientKey)
    if (wait > 0) throw new RateLimited(message, wait)
  }

  /** Call after a credential was rejected. */
  recordFailure(clientKey: string): void {
    const failures = this.recent(clientKey) ?? { times: [], head: 0 }
    failures.times.push(this.now())
    // Only the newest `maxFailures` matter for the decision.
    failures.head = Math.max(failures.head, failures.times.length - this.maxFailures)
    compact(failures)
    // Re-inserted: the Map's first entry is then the client that failed least recently.
    this.failures.delete(clientKey)
    this.failures.set(clientKey, failures)
    if (this.failures.size > this.maxClients) {
      const stalest = this.failures.keys().next().value
      if (stalest !== undefined) this.failures.delete(stalest)
    }
  }

  /** Forget a client's failures (tests, or an operator's reset). */
  reset(clientKey?: string): void {
    if (clientKey === undefined) this.failures.clear()
    else this.failures.delete(clientKey)
  }

  /** The client's failures still in the window; undefined when it has none. */
  private recent(clientKey: string): Failures | undefined {
    const failures = this.failures.get(clientKey)
    if (!failures) return undefined
    const cutoff = this.now() - this.windowMs
    const { times } = failures
    while (failures.head < times.length && times[failures.head]! <= cutoff) failures.head++
    if (failures.head === times.length) {
      this.failures.delete(clientKey)
      return undefined
    }
    compact(failures)
    return failures
  }
}

/** Drops the times before `head` once they are most of the list: each time is moved at most once on average. */
function compact(failures: Failures): void {
  if (failures.head > 32 && failures.head * 2 > failures.times.length) {
    failures.times = failures.times.slice(failures.head)
    failures.head = 0
  }
}
