/**
 * Fernet (https://github.com/fernet/spec) on node:crypto, byte-compatible with Python's `cryptography.fernet`
 * so that credentials encrypted by Langflow open here and the other way round.
 *
 * Token layout: 0x80 | timestamp (u64 BE, seconds) | IV (16) | AES-128-CBC ciphertext (PKCS7) | HMAC-SHA256 (32),
 * the whole encoded as url-safe base64 with padding. The 32-byte key is signing key (first 16) | encryption key
 * (last 16), also url-safe base64 with padding.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { Invalid } from '../base/errors'

const VERSION = 0x80
const KEY_BYTES = 32
const HALF_KEY_BYTES = 16
const IV_BYTES = 16
const BLOCK_BYTES = 16
const HMAC_BYTES = 32
const HEADER_BYTES = 1 + 8 + IV_BYTES
// A well-formed token always holds at least one cipher block, since PKCS7 pads even an empty plaintext.
const MIN_TOKEN_BYTES = HEADER_BYTES + BLOCK_BYTES + HMAC_BYTES
// Same tolerance as Python's cryptography, so both sides accept exactly the same tokens.
const MAX_CLOCK_SKEW_SECONDS = 60

/** A new IV for every token, from the OS CSPRNG. */
function freshIv(): Buffer {
  return randomBytes(IV_BYTES)
}

export type InvalidTokenReason = 'malformed' | 'signature' | 'expired' | 'future' | 'decrypt'

/**
 * Every way a token can fail to open. The message stays generic on purpose: the reason for a forged or
 * corrupted token helps nobody but an attacker, and the token, key or plaintext must never reach a log.
 * Only the time-based reasons are spelled out, because they tell an honest user what to do.
 */
export class InvalidToken extends Invalid {
  readonly reason: InvalidTokenReason

  constructor(reason: InvalidTokenReason) {
    const suffix =
      reason === 'expired' ? ' (expired)' : reason === 'future' ? ' (timestamp too far in the future)' : ''
    super(`invalid Fernet token${suffix}`)
    this.name = 'InvalidToken'
    this.reason = reason
  }
}

export interface EncryptFernetOptions {
  /** Fixed IV, for test vectors only: reusing an IV with the same key leaks plaintext relations. */
  iv?: Buffer
  /** Unix seconds to stamp into the token; defaults to the current time. */
  now?: number
}

export interface DecryptFernetOptions {
  /** Maximum token age in seconds; without it, age and clock skew are not checked (as in Python). */
  ttlSeconds?: number
  /** Unix seconds taken as the current time for the TTL check; defaults to the current time. */
  now?: number
}

/** A fresh random key in the format of Python's `Fernet.generate_key()`. */
export function generateFernetKey(): string {
  return fernetKeyFromBytes(randomBytes(KEY_BYTES))
}

/** Encodes 32 raw key bytes as a Fernet key string (url-safe base64 with padding, 44 characters). */
export function fernetKeyFromBytes(bytes: Buffer): string {
  if (bytes.length !== KEY_BYTES) throw new Invalid(`a Fernet key must be ${KEY_BYTES} bytes`)
  return toBase64UrlPadded(bytes)
}

/** Decodes a Fernet key string to its 32 raw bytes; throws Invalid (never echoing the key) if malformed. */
export function fernetKeyToBytes(key: string): Buffer {
  const bytes = typeof key === 'string' ? decodeBase64Url(key) : undefined
  if (!bytes || bytes.length !== KEY_BYTES) {
    throw new Invalid(`a Fernet key must be ${KEY_BYTES} bytes encoded as url-safe base64`)
  }
  return bytes
}

/**
 * Many plaintexts under one key (an import of thousands): one draw from the CSPRNG for all the IVs, each token
 * with its own, as encryptFernet would make them one by one.
 */
export function encryptFernetAll(key: string | Buffer, plaintexts: readonly (string | Buffer)[]): string[] {
  const ivs = randomBytes(IV_BYTES * plaintexts.length)
  return plaintexts.map((plaintext, i) =>
    encryptFernet(key, plaintext, { iv: ivs.subarray(i * IV_BYTES, (i + 1) * IV_BYTES) })
  )
}

/**
 * Encrypts `plaintext` (a string is taken as UTF-8) into a Fernet token.
 * `key` is either the key string or its 32 raw bytes.
 */
export function encryptFernet(
  key: string | Buffer,
  plaintext: string | Buffer,
  options: EncryptFernetOptions = {}
): string {
  const { signingKey, encryptionKey } = splitKey(key)
  const iv = options.iv ?? freshIv()
  if (iv.length !== IV_BYTES) throw new Invalid(`a Fernet IV must be ${IV_BYTES} bytes`)
  const now = options.now ?? Date.now() / 1000
  if (!Number.isFinite(now) || now < 0)
    throw new Invalid('the Fernet timestamp must be a non-negative number')

  const cipher = createCipheriv('aes-128-cbc', encryptionKey, iv)
  const ciphertext = Buffer.concat([
    typeof plaintext === 'string' ? cipher.update(plaintext, 'utf8') : cipher.update(plaintext),
    cipher.final()
  ])

  // The token is assembled in place (header, ciphertext, then the HMAC of both): every byte is written below.
  const token = Buffer.allocUnsafe(HEADER_BYTES + ciphertext.length + HMAC_BYTES)
  token[0] = VERSION
  token.writeBigUInt64BE(BigInt(Math.floor(now)), 1)
  iv.copy(token, 9)
  ciphertext.copy(token, HEADER_BYTES)
  const signed = token.subarray(0, HEADER_BYTES + ciphertext.length)
  createHmac('sha256', signingKey).update(signed).digest().copy(token, signed.length)
  return toBase64UrlPadded(token)
}

/**
 * Opens a Fernet token and returns the plaintext bytes. Throws InvalidToken for any token failure, and
 * Invalid for a malformed key or option (a caller bug, not a bad token).
 */
export function decryptFernet(
  key: string | Buffer,
  token: string,
  options: DecryptFernetOptions = {}
): Buffer {
  const { signingKey, encryptionKey } = splitKey(key)
  const { ttlSeconds } = options
  if (ttlSeconds !== undefined && (!Number.isFinite(ttlSeconds) || ttlSeconds < 0)) {
    throw new Invalid('the Fernet TTL must be a non-negative number of seconds')
  }
  const now = options.now ?? Date.now() / 1000
  if (!Number.isFinite(now)) throw new Invalid('the current time must be a finite number of seconds')

  const data = typeof token === 'string' ? decodeBase64Url(token) : undefined
  if (!data || data.length < MIN_TOKEN_BYTES || data[0] !== VERSION) throw new InvalidToken('malformed')
  if ((data.length - HEADER_BYTES - HMAC_BYTES) % BLOCK_BYTES !== 0) throw new InvalidToken('malformed')

  const signed = data.subarray(0, data.length - HMAC_BYTES)
  const mac = data.subarray(data.length - HMAC_BYTES)
  const expected = createHmac('sha256', signingKey).update(signed).digest()
  if (!timingSafeEqual(mac, expected)) throw new InvalidToken('signature')

  if (ttlSeconds !== undefined) {
    // Past 2^53 the Number is approximate, but such a timestamp is rejected as far-future either way.
    const timestamp = Number(data.readBigUInt64BE(1))
    const current = Math.floor(now)
    if (timestamp + ttlSeconds < current) throw new InvalidToken('expired')
    if (current + MAX_CLOCK_SKEW_SECONDS < timestamp) throw new InvalidToken('future')
  }

  const iv = data.subarray(9, HEADER_BYTES)
  const ciphertext = data.subarray(HEADER_BYTES, data.length - HMAC_BYTES)
  try {
    const decipher = createDecipheriv('aes-128-cbc', encryptionKey, iv)
    return Buffer.concat([decipher.update(ciphertext), decipher.final()])
  } catch {
    // Only reachable with a valid MAC, i.e. a token made with this key but a broken encryptor.
    throw new InvalidToken('decrypt')
  }
}

function splitKey(key: string | Buffer): { signingKey: Buffer; encryptionKey: Buffer } {
  let bytes: Buffer
  if (Buffer.isBuffer(key)) {
    if (key.length !== KEY_BYTES) {
      throw new Invalid(
        `a Fernet key Buffer must hold the ${KEY_BYTES} raw bytes (pass the base64 text as a string)`
      )
    }
    bytes = key
  } else {
    bytes = fernetKeyToBytes(key)
  }
  return { signingKey: bytes.subarray(0, HALF_KEY_BYTES), encryptionKey: bytes.subarray(HALF_KEY_BYTES) }
}

function toBase64UrlPadded(bytes: Buffer): string {
  const text = bytes.toString('base64url')
  return text + '='.repeat((4 - (text.length % 4)) % 4)
}

/**
 * Strict url-safe base64: padding optional but correct if present, no foreign characters, and canonical
 * (unused trailing bits zero) so that no two token strings decode to the same bytes. Node's own decoder
 * silently skips invalid characters, hence the checks. Returns undefined rather than throwing so that the
 * callers choose an error that does not echo the input.
 */
function decodeBase64Url(text: string): Buffer | undefined {
  const match = /^([A-Za-z0-9_-]*)(={0,2})$/.exec(text)
  if (!match) return undefined
  const body = match[1] ?? ''
  const padding = match[2] ?? ''
  if (body.length % 4 === 1) return undefined
  if (padding.length > 0 && (body.length + padding.length) % 4 !== 0) return undefined
  const bytes = Buffer.from(body, 'base64url')
  if (bytes.toString('base64url') !== body) return undefined
  return bytes
}
