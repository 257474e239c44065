import { randomBytes } from 'node:crypto'
import { VISIBLE_KEY_CHARS } from '../../shared/api-key-display'

export const API_KEY_PREFIX = 'sk-'
/** `sk-` + base64url (no padding) of 32 bytes. */
export const API_KEY_LENGTH = 46

const KEY_PATTERN = /^sk-[A-Za-z0-9_-]{43}$/

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url')
}

export function looksLikeApiKey(text: string): boolean {
  return KEY_PATTERN.test(text)
}

/** Langflow's masked form: the first 8 characters, then one `*` per remaining character. */
export function maskApiKey(keyOrPrefix: string, length = API_KEY_LENGTH): string {
  const visible = keyOrPrefix.slice(0, VISIBLE_KEY_CHARS)
  return visible + '*'.repeat(Math.max(0, length - visible.length))
}
