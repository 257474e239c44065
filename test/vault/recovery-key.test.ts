import {
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  randomBytes
} from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Invalid } from '../../src/main/base/errors'
import {
  newRecoveryKey,
  openWithRecovery,
  parseRecoveryKey,
  recipientOf,
  recoveryPublicKey,
  sealToRecovery
} from '../../src/main/vault/recovery-key'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const KEY_SHAPE = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){7}$/

/** Decodes Crockford base32 independently of the code under test (bit string, 8 bits at a time). */
function decodeCrockford(text: string): Buffer {
  const bits = [...text.replace(/-/g, '')]
    .map((c) => CROCKFORD.indexOf(c).toString(2).padStart(5, '0'))
    .join('')
  const bytes: number[] = []
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(bytes)
}

/** What `typed` throws (or null), to check the class and the message together. */
function errorOf(fn: () => unknown): Error | null {
  try {
    fn()
    return null
  } catch (err) {
    return err as Error
  }
}

/** A recovery key whose text holds both a 0 and a 1 (to try the O→0 and I/L→1 readings). */
function keyWithZeroAndOne(): { text: string; secret: Buffer } {
  for (;;) {
    const key = newRecoveryKey()
    if (key.text.includes('0') && key.text.includes('1')) return key
  }
}

/** Replaces the character at `index` by another of the alphabet. */
function withCharChanged(text: string, index: number): string {
  const c = text[index]!
  const other = CROCKFORD[(CROCKFORD.indexOf(c) + 1 + (index % 31)) % 32]!
  return text.slice(0, index) + other + text.slice(index + 1)
}

describe('newRecoveryKey', () => {
  it('is 8 groups of 5 Crockford characters: 20 random bytes then a 5-byte SHA-256 check', () => {
    const { text, secret } = newRecoveryKey()
    expect(text).toMatch(KEY_SHAPE)
    expect(secret).toHaveLength(20)
    const decoded = decodeCrockford(text)
    expect(decoded).toHaveLength(25)
    expect(decoded.subarray(0, 20)).toEqual(secret)
    expect(decoded.subarray(20)).toEqual(createHash('sha256').update(secret).digest().subarray(0, 5))
  })

  it('makes a different key every time', () => {
    const texts = new Set(Array.from({ length: 50 }, () => newRecoveryKey().text))
    expect(texts.size).toBe(50)
  })
})

describe('parseRecoveryKey', () => {
  it('gives back the secret of the key as shown', () => {
    for (let i = 0; i < 20; i++) {
      const { text, secret } = newRecoveryKey()
      expect(parseRecoveryKey(text)).toEqual(secret)
    }
  })

  it('reads it without dashes, with spaces, in lower or mixed case, with blanks around it', () => {
    const { text, secret } = newRecoveryKey()
    const bare = text.replace(/-/g, '')
    const variants = [
      bare,
      text.toLowerCase(),
      bare.toLowerCase(),
      text.replace(/-/g, ' '),
      text.replace(/-/g, '  \t'),
      `  ${text}\n`,
      [...bare].map((c, i) => (i % 2 ? c.toLowerCase() : c)).join(''),
      // Grouped differently from how it was shown.
      bare.match(/.{4}/g)!.join('-'),
      bare.match(/.{8}/g)!.join(' ')
    ]
    for (const typed of variants) expect(parseRecoveryKey(typed)).toEqual(secret)
  })

  it('reads O as 0 and I, L as 1, in either case', () => {
    const { text, secret } = keyWithZeroAndOne()
    for (const zero of ['O', 'o']) {
      for (const one of ['I', 'i', 'L', 'l']) {
        const typed = text.replace(/0/g, zero).replace(/1/g, one)
        expect(typed).not.toBe(text)
        expect(parseRecoveryKey(typed)).toEqual(secret)
      }
    }
  })

  it('finds a typo in any one of the 40 characters, and the message never repeats the key', () => {
    const { text } = newRecoveryKey()
    const bare = text.replace(/-/g, '')
    for (let i = 0; i < bare.length; i++) {
      const typed = withCharChanged(bare, i)
      expect(typed).not.toBe(bare)
      const error = errorOf(() => parseRecoveryKey(typed))
      expect(error, `position ${i}`).toBeInstanceOf(Invalid)
      expect(error!.message).toMatch(/has a typo \(its check letters do not match\)/)
      expect(error!.message).not.toContain(typed)
      expect(error!.message).not.toContain(typed.slice(0, 5))
    }
  })

  it('finds two neighbouring characters swapped', () => {
    const { text } = newRecoveryKey()
    const bare = text.replace(/-/g, '')
    let tried = 0
    for (let i = 0; i + 1 < bare.length; i++) {
      if (bare[i] === bare[i + 1]) continue
      const typed = bare.slice(0, i) + bare[i + 1] + bare[i] + bare.slice(i + 2)
      expect(errorOf(() => parseRecoveryKey(typed))?.message).toMatch(/has a typo/)
      tried++
    }
    expect(tried).toBeGreaterThan(20)
  })

  it.each([
    ['one character short', (t: string) => t.slice(0, -1)],
    ['one character too many', (t: string) => `${t}A`],
    ['a group missing', (t: string) => t.slice(0, -6)],
    ['a U, which the alphabet leaves out', (t: string) => `U${t.slice(1)}`],
    ['punctuation', (t: string) => `${t.slice(0, -1)}!`],
    ['an underscore for a dash', (t: string) => t.replace('-', '_')],
    ['nothing at all', () => '']
  ])('refuses a key with %s as "not a recovery key", never echoing it', (_name, change) => {
    const { text } = newRecoveryKey()
    const typed = change(text)
    const error = errorOf(() => parseRecoveryKey(typed))
    expect(error).toBeInstanceOf(Invalid)
    expect(error!.message).toMatch(/^That is not a recovery key\. A recovery key is the 40 letters/)
    if (typed) expect(error!.message).not.toContain(typed.slice(0, 11))
  })
})

describe('recoveryPublicKey', () => {
  it('is 32 bytes, the same for the same secret, different for another', () => {
    const { secret } = newRecoveryKey()
    const pub = recoveryPublicKey(secret)
    expect(pub).toHaveLength(32)
    expect(recoveryPublicKey(Buffer.from(secret))).toEqual(pub)
    expect(recoveryPublicKey(newRecoveryKey().secret).equals(pub)).toBe(false)
  })

  it('is the X25519 public key of the HKDF-SHA256 seed of the secret', () => {
    const { secret } = newRecoveryKey()
    const seed = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'flowkeys recovery x25519', 32))
    const priv = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), seed]),
      format: 'der',
      type: 'pkcs8'
    })
    const jwk = createPublicKey(priv).export({ format: 'jwk' })
    expect(Buffer.from(jwk.x as string, 'base64url')).toEqual(recoveryPublicKey(secret))
  })
})

describe('sealToRecovery and openWithRecovery', () => {
  const { secret } = newRecoveryKey()
  const recipient = recoveryPublicKey(secret)

  it('opens what was sealed to the same recovery key, from its typed form too', () => {
    const master = randomBytes(32)
    const envelope = sealToRecovery(recipient, master)
    expect(openWithRecovery(secret, envelope)).toEqual(master)
    const { text, secret: other } = newRecoveryKey()
    const sealed = sealToRecovery(recoveryPublicKey(parseRecoveryKey(text)), master)
    expect(openWithRecovery(parseRecoveryKey(text.toLowerCase().replace(/-/g, ' ')), sealed)).toEqual(master)
    expect(openWithRecovery(other, sealed)).toEqual(master)
  })

  it('writes v1.<recipient>.<ephemeral>.<iv>.<sealed>, never the key in clear, a new envelope each time', () => {
    const master = randomBytes(32)
    const envelope = sealToRecovery(recipient, master)
    const parts = envelope.split('.')
    expect(parts).toHaveLength(5)
    expect(parts[0]).toBe('v1')
    for (const part of parts.slice(1)) expect(part).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(Buffer.from(parts[1]!, 'base64url')).toEqual(recipient)
    expect(Buffer.from(parts[2]!, 'base64url')).toHaveLength(32)
    expect(Buffer.from(parts[3]!, 'base64url')).toHaveLength(12)
    expect(Buffer.from(parts[4]!, 'base64url')).toHaveLength(32 + 16)
    expect(recipientOf(envelope)).toEqual(recipient)
    for (const form of ['base64url', 'base64', 'hex'] as const) {
      expect(envelope).not.toContain(master.toString(form).slice(0, 16))
    }
    const again = sealToRecovery(recipient, master)
    expect(again).not.toBe(envelope)
    expect(again.split('.')[2]).not.toBe(parts[2])
    expect(openWithRecovery(secret, again)).toEqual(master)
  })

  it('follows the documented scheme: X25519 with an ephemeral key, HKDF-SHA256, AES-256-GCM', () => {
    const master = randomBytes(32)
    const [, rec, eph, iv, sealed] = sealToRecovery(recipient, master)
      .split('.')
      .map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer, Buffer, Buffer]
    const seed = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'flowkeys recovery x25519', 32))
    const privateKey = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), seed]),
      format: 'der',
      type: 'pkcs8'
    })
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'X25519', x: eph.toString('base64url') },
      format: 'jwk'
    })
    const shared = diffieHellman({ privateKey, publicKey })
    const key = Buffer.from(hkdfSync('sha256', shared, Buffer.concat([eph, rec]), 'flowkeys recovery v1', 32))
    const decipher = createDecipheriv('aes-256-gcm', key, iv)
    decipher.setAuthTag(sealed.subarray(-16))
    expect(Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()])).toEqual(master)
  })

  it('refuses another recovery key without trying to open the envelope', () => {
    const envelope = sealToRecovery(recipient, randomBytes(32))
    const error = errorOf(() => openWithRecovery(newRecoveryKey().secret, envelope))
    expect(error).toBeInstanceOf(Invalid)
    expect(error!.message).toMatch(/belongs to another store \(or to an earlier recovery key of this one\)/)
  })

  it('refuses an envelope re-addressed to another recovery key (the recipient is bound into the key)', () => {
    const other = newRecoveryKey().secret
    const parts = sealToRecovery(recipient, randomBytes(32)).split('.')
    parts[1] = recoveryPublicKey(other).toString('base64url')
    const error = errorOf(() => openWithRecovery(other, parts.join('.')))
    expect(error).toBeInstanceOf(Invalid)
    expect(error!.message).toMatch(/damaged: it does not open with this recovery key/)
  })

  it.each([
    ['the ephemeral key', 2],
    ['the iv', 3],
    ['the sealed key', 4]
  ])('refuses an envelope whose %s was altered by one bit, at every byte', (_name, index) => {
    const master = randomBytes(32)
    const envelope = sealToRecovery(recipient, master)
    const parts = envelope.split('.')
    const bytes = Buffer.from(parts[index]!, 'base64url')
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes)
      altered[i] = altered[i]! ^ 0x01
      const copy = [...parts]
      copy[index] = altered.toString('base64url')
      const error = errorOf(() => openWithRecovery(secret, copy.join('.')))
      expect(error, `byte ${i}`).toBeInstanceOf(Invalid)
      expect(error!.message).toMatch(/damaged/)
    }
  })

  it('refuses a shortened sealed part and a malformed envelope', () => {
    const parts = sealToRecovery(recipient, randomBytes(32)).split('.')
    const short = [...parts]
    short[4] = Buffer.from(parts[4]!, 'base64url').subarray(0, 10).toString('base64url')
    expect(errorOf(() => openWithRecovery(secret, short.join('.')))?.message).toMatch(/damaged/)
    const malformed = [
      ['v2', ...parts.slice(1)].join('.'),
      parts.slice(0, 4).join('.'),
      [...parts, 'extra'].join('.'),
      ''
    ]
    for (const envelope of malformed) {
      const error = errorOf(() => recipientOf(envelope))
      expect(error).toBeInstanceOf(Invalid)
      expect(error!.message).toBe('The stored recovery envelope is damaged.')
      expect(errorOf(() => openWithRecovery(secret, envelope))?.message).toBe(
        'The stored recovery envelope is damaged.'
      )
    }
  })
})
