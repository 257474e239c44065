import { describe, expect, it } from 'vitest'
import { RateLimited } from '../../src/main/base/errors'
import { FailureLimiter, TOO_MANY_FAILURES } from '../../src/main/base/failure-limiter'

function limiterAt(start = 1_000_000) {
  const clock = { now: start }
  const limiter = new FailureLimiter({ now: () => clock.now })
  return { limiter, clock }
}

describe('FailureLimiter', () => {
  it('allows 20 failures in 60 s, then refuses with the seconds until the oldest leaves the window', () => {
    const { limiter, clock } = limiterAt()
    for (let i = 0; i < 20; i++) {
      expect(() => limiter.check('a')).not.toThrow()
      limiter.recordFailure('a')
      clock.now += 1000
    }
    // Now 20 s after the first failure: it leaves the window in 40 s.
    let thrown: unknown
    try {
      limiter.check('a')
    } catch (err) {
      thrown = err
    }
    expect(thrown).toBeInstanceOf(RateLimited)
    expect((thrown as RateLimited).message).toBe(TOO_MANY_FAILURES)
    expect((thrown as RateLimited).retryAfterSeconds).toBe(40)
  })

  it('slides: once the oldest failure is 60 s old, one more attempt is allowed', () => {
    const { limiter, clock } = limiterAt()
    for (let i = 0; i < 20; i++) limiter.recordFailure('a')
    expect(limiter.retryAfterSeconds('a')).toBe(60)
    clock.now += 59_999
    expect(limiter.retryAfterSeconds('a')).toBe(1)
    clock.now += 1
    expect(limiter.retryAfterSeconds('a')).toBe(0)
    expect(() => limiter.check('a')).not.toThrow()
  })

  it('counts clients apart', () => {
    const { limiter } = limiterAt()
    for (let i = 0; i < 20; i++) limiter.recordFailure('a')
    expect(() => limiter.check('a')).toThrow(RateLimited)
    expect(() => limiter.check('b')).not.toThrow()
  })

  it('keeps refusing while failures keep coming, counting only the newest 20', () => {
    const { limiter, clock } = limiterAt()
    for (let i = 0; i < 50; i++) {
      limiter.recordFailure('a')
      clock.now += 2000
    }
    // Failures at 0, 2 … 98 s, now 100 s: the newest 20 are 60 … 98 s; the one at 60 s leaves at 120 s.
    expect(limiter.retryAfterSeconds('a')).toBe(20)
  })

  it('forgets on reset, and bounds the number of clients tracked', () => {
    const clock = { now: 0 }
    const limiter = new FailureLimiter({ now: () => clock.now, maxFailures: 1, maxClients: 3 })
    for (const client of ['a', 'b', 'c', 'd']) limiter.recordFailure(client)
    expect(limiter.retryAfterSeconds('a')).toBe(0) // evicted as the stalest
    expect(limiter.retryAfterSeconds('d')).toBeGreaterThan(0)
    limiter.reset('d')
    expect(limiter.retryAfterSeconds('d')).toBe(0)
    limiter.reset()
    expect(limiter.retryAfterSeconds('b')).toBe(0)
  })

  it('a limit of thousands slides and refuses exactly as a small one, failures spread over the window', () => {
    const clock = { now: 0 }
    const limiter = new FailureLimiter({ now: () => clock.now, maxFailures: 5_000 })
    // 12,000 failures, one every 10 ms: 120 s, twice the window.
    for (let i = 0; i < 12_000; i++) {
      limiter.recordFailure('a')
      clock.now += 10
    }
    // Now 120 s; the failures of the last 60 s (6,000) pass the limit: the newest 5,000 are from 70 s on, and
    // the one at 70 s leaves the window at 130 s.
    expect(limiter.retryAfterSeconds('a')).toBe(10)
    clock.now += 9_990
    expect(limiter.retryAfterSeconds('a')).toBe(1)
    clock.now += 10
    expect(limiter.retryAfterSeconds('a')).toBe(0)
    // Everything ages out.
    clock.now += 60_000
    expect(limiter.retryAfterSeconds('a')).toBe(0)
    limiter.recordFailure('a')
    expect(limiter.retryAfterSeconds('a')).toBe(0)
  })
})
