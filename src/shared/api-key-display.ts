// How an API key is shown by every face. The key server answers Langflow's masked form (the first 8 characters
// and 38 `*`); the app's table and the CLI's shorten it here, and both decide a key's status by the same rule.

export const VISIBLE_KEY_CHARS = 8

/** Langflow's masked form cut short for a table row: the visible characters, then four `*` (`sk-AJkl5****`). */
export function shortMask(masked: string): string {
  return `${masked.replace(/\*+$/, '').slice(0, VISIBLE_KEY_CHARS)}****`
}

export type KeyStatus = 'active' | 'expired' | 'inactive'

/**
 * A revoked or deactivated key is inactive whatever its date; an active one past its expiry is expired. The key
 * server refuses both (auth/service.ts).
 */
export function keyStatus(key: { is_active: boolean; expires_at: string | null }, now: number): KeyStatus {
  if (!key.is_active) return 'inactive'
  if (key.expires_at !== null && Date.parse(key.expires_at) <= now) return 'expired'
  return 'active'
}
