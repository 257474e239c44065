import { API_KEY_PREFIX } from '../keys/generate'

/** How every JWT starts: the base64url of `{"`. */
export const JWT_PREFIX = 'eyJ'
const TOKEN_CHAR = '[A-Za-z0-9_-]'
/** API keys (`sk-…`) and JWTs (`eyJ….….…`). */
const KEY_LIKE = new RegExp(
  `${API_KEY_PREFIX}${TOKEN_CHAR}{8,}|${JWT_PREFIX}${TOKEN_CHAR}*\\.${TOKEN_CHAR}*\\.${TOKEN_CHAR}*`,
  'g'
)
const ENCODED_ASCII = /%[0-7][0-9A-Fa-f]/g
export const REDACTED = '[redacted]'

/** `%XX` escapes of ASCII characters decoded, over and over (a double encoding hides nothing either). */
function decodeAscii(text: string): string {
  let current = text
  for (let i = 0; i < 4 && current.includes('%'); i++) {
    const next = current.replace(ENCODED_ASCII, (hex) => String.fromCharCode(parseInt(hex.slice(1), 16)))
    if (next === current) break
    current = next
  }
  return current
}

/** Whether `text` could hold a key or a token, plain or percent-encoded: redact() then has work to do. */
export function mayHoldKey(text: string): boolean {
  return text.includes('%') || text.includes(API_KEY_PREFIX) || text.includes(JWT_PREFIX)
}

/**
 * `text` with every key-shaped part (an API key, a JWT) replaced by [redacted], also when percent-encoded: what a
 * log writes is the decoded text. Nothing key-shaped is ever written to a log (SECURITY.md).
 */
export function redact(text: string): string {
  if (!mayHoldKey(text)) return text
  return decodeAscii(text).replace(KEY_LIKE, REDACTED)
}
