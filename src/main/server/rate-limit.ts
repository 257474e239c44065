import { RateLimited } from '../core/errors'

/** Shared by every client without failures (the common case, on every request): never written to. */
const NO_FAILURES: readonly number[] = Object.freeze([])

export const TOO_MANY_FAILURES = 'Too many failed authentication attempts. Try again later.'

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
  /** Failure times per client, oldest first. A Map keeps insertion order, which makes eviction cheap. */
  private readonly failures = new Map<string, number[]>()

  constructor(options: FailureLimiterOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000
    this.maxFailures = options.maxFailures ?? 20
    this.maxClients = options.maxClients ?? 10_000
    this.now = options.now ?? Date.now
  }

  /** Seconds the client must wait before trying again, or 0 when it may try now. */
  retryAfterSeconds(clientKey: string): number {
    const times = this.recent(clientKey)
    if (times.length < this.maxFailures) return 0
    // The attempt is allowed again once enough failures have left the window.
    const freeAt = (times[times.length - this.maxFailures] ?? this.now()) + this.windowMs
    return Math.max(1, Math.ceil((freeAt - this.now()) / 1000))
  }

  /** Throws `RateLimited` (429 over HTTP) when the client has used up its failures. Call before checking a credential. */
  check(clientKey: string): void {
    const wait = this.retryAfterSeconds(clientKey)
    if (wait > 0) throw new RateLimited(TOO_MANY_FAILURES, wait)
  }

  /** Call after a credential was rejected. */
  recordFailure(clientKey: string): void {
    const times = [...this.recent(clientKey), this.now()]
    // Only the newest `maxFailures` matter for the decision.
    if (times.length > this.maxFailures) times.splice(0, times.length - this.maxFailures)
    this.failures.delete(clientKey)
    this.failures.set(clientKey, times)
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

  private recent(clientKey: string): readonly number[] {
    const times = this.failures.get(clientKey)
    if (!times) return NO_FAILURES
    const cutoff = this.now() - this.windowMs
    let drop = 0
    while (drop < times.length && (times[drop] ?? Infinity) <= cutoff) drop++
    if (drop > 0) times.splice(0, drop)
    if (times.length === 0) this.failures.delete(clientKey)
    return times
  }
}
