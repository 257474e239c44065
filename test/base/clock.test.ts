import { describe, expect, it, vi } from 'vitest'
import { nowIso } from '../../src/main/base/clock'

describe('nowIso', () => {
  it('is the current time as an ISO string, made again when the millisecond changes', () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-02T03:04:05.006Z') })
    try {
      expect(nowIso()).toBe('2026-01-02T03:04:05.006Z')
      expect(nowIso()).toBe('2026-01-02T03:04:05.006Z')
      vi.setSystemTime(Date.parse('2026-01-02T03:04:05.007Z'))
      expect(nowIso()).toBe('2026-01-02T03:04:05.007Z')
    } finally {
      vi.useRealTimers()
    }
    expect(Math.abs(Date.parse(nowIso()) - Date.now())).toBeLessThan(1_000)
  })
})
