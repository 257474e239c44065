/**
 * The recovery key, FlowKeys' Emergency Kit: 160 random bits written down once. The store keeps the vault key
 * sealed to the recovery key's public half (X25519, HKDF-SHA256, AES-256-GCM), so a rotation can seal the new
 * vault key again without anyone typing the recovery key, and only its holder can open it.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject
} from 'node:crypto'
import { Invalid } from '../base/errors'

const SECRET_BYTES = 20
const CHECK_BYTES = 5
// Crockford's base32: no I, L, O, U, so a written key reads back without doubt.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const FORMAT = 'v1'
// PKCS#8 and SPKI prefixes of a raw X25519 key (RFC 8410).
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex')
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex')

export const RECOVERY_KEY_HELP =
  'A recovery key is the 40 letters and digits FlowKeys showed once, in 8 groups of 5 (dashes and spaces optional).'

/** A new recovery key: its text for the user, and the public half the store keeps. */
export function newRecoveryKey(): { text: string; secret: Buffer } {
  const secret = randomBytes(SECRET_BYTES)
  return { text: formatRecoveryKey(secret), secret }
}

function checksum(secret: Buffer): Buffer {
  return createHash('sha256').update(secret).digest().subarray(0, CHECK_BYTES)
}

function formatRecoveryKey(secret: Buffer): string {
  const bytes = Buffer.concat([secret, checksum(secret)])
  let bits = 0
  let value = 0
  let text = ''
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xfffff
    bits += 8
    while (bits >= 5) {
      text += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  return text.match(/.{5}/g)!.join('-')
}

/** The secret in a typed recovery key; a typo fails the checksum with a line that never repeats the key. */
export function parseRecoveryKey(typed: string): Buffer {
  const chars = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')
  if (chars.length !== 40 || [...chars].some((c) => !ALPHABET.includes(c))) {
    throw new Invalid(`That is not a recovery key. ${RECOVERY_KEY_HELP}`)
  }
  let bits = 0
  let value = 0
  const bytes: number[] = []
  for (const c of chars) {
    value = ((value << 5) | ALPHABET.indexOf(c)) & 0xffff
    bits += 5
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  const all = Buffer.from(bytes)
  const secret = all.subarray(0, SECRET_BYTES)
  if (!checksum(secret).equals(all.subarray(SECRET_BYTES))) {
    throw new Invalid(
      'That recovery key has a typo (its check letters do not match): compare it group by group.'
    )
  }
  return secret
}

function privateKeyOf(secret: Buffer): KeyObject {
  const seed = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'flowkeys recovery x25519', 32))
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, seed]), format: 'der', type: 'pkcs8' })
}

function rawPublic(key: KeyObject): Buffer {
  return (key.export({ format: 'der', type: 'spki' }) as Buffer).subarray(SPKI_X25519.length)
}

function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki' })
}

/** The public half the store keeps, raw (32 bytes). */
export function recoveryPublicKey(secret: Buffer): Buffer {
  return rawPublic(createPublicKey(privateKeyOf(secret)))
}

function wrapKey(shared: Buffer, ephemeral: Buffer, recipient: Buffer): Buffer {
  const salt = Buffer.concat([ephemeral, recipient])
  return Buffer.from(hkdfSync('sha256', shared, salt, 'flowkeys recovery v1', 32))
}

/** `master` sealed to the recovery key whose public half is `recipient`: `v1.<recipient>.<ephemeral>.<iv>.<sealed>`. */
export function sealToRecovery(recipient: Buffer, master: Buffer): string {
  const pair = generateKeyPairSync('x25519')
  const ephemeral = rawPublic(pair.publicKey)
  const shared = diffieHellman({ privateKey: pair.privateKey, publicKey: publicKeyFromRaw(recipient) })
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', wrapKey(shared, ephemeral, recipient), iv)
  const sealed = Buffer.concat([cipher.update(master), cipher.final(), cipher.getAuthTag()])
  return [FORMAT, recipient, ephemeral, iv, sealed]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.')
}

/** The public half an envelope was sealed to (a rotation seals the new key to it again). */
export function recipientOf(envelope: string): Buffer {
  const parts = envelope.split('.')
  if (parts[0] !== FORMAT || parts.length !== 5) throw new Invalid('The stored recovery envelope is damaged.')
  return Buffer.from(parts[1]!, 'base64url')
}

/** Opens an envelope with the recovery key; Invalid when the key is not the one it was sealed to. */
export function openWithRecovery(secret: Buffer, envelope: string): Buffer {
  const recipient = recipientOf(envelope)
  const mine = recoveryPublicKey(secret)
  if (!mine.equals(recipient)) {
    throw new Invalid(
      'This recovery key belongs to another store (or to an earlier recovery key of this one).'
    )
  }
  const [, , ephemeralText, ivText, sealedText] = envelope.split('.') as [
    string,
    string,
    string,
    string,
    string
  ]
  const ephemeral = Buffer.from(ephemeralText, 'base64url')
  const sealed = Buffer.from(sealedText, 'base64url')
  try {
    const shared = diffieHellman({ privateKey: privateKeyOf(secret), publicKey: publicKeyFromRaw(ephemeral) })
    const decipher = createDecipheriv(
      'aes-256-gcm',
      wrapKey(shared, ephemeral, recipient),
      Buffer.from(ivText, 'base64url')
    )
    decipher.setAuthTag(sealed.subarray(sealed.length - 16))
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()])
  } catch {
    throw new Invalid('The stored recovery envelope is damaged: it does not open with this recovery key.')
  }
}
