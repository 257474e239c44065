import { describe, expect, it } from 'vitest'
import { keyStatus, shortMask } from '../../src/shared/api-key-display'
import { generateApiKey, maskApiKey } from '../../src/main/keys/generate'

// One rule and one short mask for the app and the CLI (the key server answers Langflow's full mask).

describe('how every face shows a key', () => {
  it("cuts Langflow's 8 + 38 mask to the visible part and four stars", () => {
    const key = generateApiKey()
    const masked = maskApiKey(key)
    expect(masked).toHaveLength(46)
    expect(shortMask(masked)).toBe(`${key.slice(0, 8)}****`)
    expect(shortMask(masked)).not.toContain(key.slice(8, 12))
  })

  it('a deactivated key is inactive whatever its date; an active one past its expiry is expired', () => {
    const now = Date.parse('2026-12-07T12:00:00Z')
    const past = '2026-12-07T11:59:59Z'
    const future = '2026-12-07T12:00:01Z'
    expect(keyStatus({ is_active: true, expires_at: null }, now)).toBe('active')
    expect(keyStatus({ is_active: true, expires_at: future }, now)).toBe('active')
    expect(keyStatus({ is_active: true, expires_at: past }, now)).toBe('expired')
    expect(keyStatus({ is_active: true, expires_at: '2026-12-07T12:00:00Z' }, now)).toBe('expired')
    expect(keyStatus({ is_active: false, expires_at: past }, now)).toBe('inactive')
    expect(keyStatus({ is_active: false, expires_at: null }, now)).toBe('inactive')
  })
})
