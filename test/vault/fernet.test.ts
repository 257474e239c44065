import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, it, expect } from 'vitest'
import { Invalid } from '../../src/main/base/errors'
import {
  InvalidToken,
  decryptFernet,
  encryptFernet,
  encryptFernetAll,
  fernetKeyFromBytes,
  fernetKeyToBytes,
  generateFernetKey
} from '../../src/main/vault/fernet'

interface GenerateVector {
  token: string
  now: string
  iv: number[]
  src: string
  secret: string
}
interface VerifyVector {
  token: string
  now: string
  ttl_sec: number
  src: string
  secret: string
}
interface InvalidVector {
  desc: string
  token: string
  now: string
  ttl_sec: number
  secret: string
}

function fixture<T>(name: string): T[] {
  const path = fileURLToPath(new URL(`../fixtures/fernet/${name}`, import.meta.url))
  return JSON.parse(readFileSync(path, 'utf8')) as T[]
}

const unixSeconds = (iso: string): number => Date.parse(iso) / 1000

// The spec's generate/verify vectors carry no desc, so they are named after what they hold.
const generateVectors = fixture<GenerateVector>('generate.json').map((v, i) => ({
  ...v,
  desc: `#${i} ${JSON.stringify(v.src)}`
}))
const verifyVectors = fixture<VerifyVector>('verify.json').map((v, i) => ({
  ...v,
  desc: `#${i} ${JSON.stringify(v.src)} ttl ${v.ttl_sec}`
}))
const invalidVectors = fixture<InvalidVector>('invalid.json')

/** Runs `fn`, asserts it threw InvalidToken, and returns the error for further checks. */
function catchInvalidToken(fn: () => unknown): InvalidToken {
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(InvalidToken)
  return caught as InvalidToken
}

function expectNoSecretIn(err: Error, ...secrets: string[]): void {
  expect(err.message).toMatch(/^invalid Fernet token( \([a-z ]+\))?$/)
  for (const secret of secrets) {
    expect(err.message).not.toContain(secret)
    expect(err.stack ?? '').not.toContain(secret)
  }
}

/** Decodes a token to bytes regardless of padding, for byte-level tampering. */
const tokenBytes = (token: string): Buffer => Buffer.from(token.replace(/=+$/, ''), 'base64url')
const padded = (bytes: Buffer): string => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_')

describe('Fernet spec vectors', () => {
  // The it.each below run once per vector read from the files: an empty or missing list would run nothing.
  it('has vectors of each kind', () => {
    expect(generateVectors.length).toBeGreaterThan(0)
    expect(verifyVectors.length).toBeGreaterThan(0)
    expect(invalidVectors.length).toBeGreaterThan(0)
  })

  it.each(generateVectors)('generate: $desc', (v) => {
    const token = encryptFernet(v.secret, v.src, { iv: Buffer.from(v.iv), now: unixSeconds(v.now) })
    expect(token).toBe(v.token)
  })

  it.each(verifyVectors)('verify: $desc', (v) => {
    const plaintext = decryptFernet(v.secret, v.token, { ttlSeconds: v.ttl_sec, now: unixSeconds(v.now) })
    expect(plaintext.toString('utf8')).toBe(v.src)
  })

  it.each(invalidVectors)('invalid: $desc', (v) => {
    const err = catchInvalidToken(() =>
      decryptFernet(v.secret, v.token, { ttlSeconds: v.ttl_sec, now: unixSeconds(v.now) })
    )
    expect(err).toBeInstanceOf(Invalid)
    expectNoSecretIn(err, v.token, v.secret)
  })
})

describe('Fernet keys', () => {
  it('generates Python-style keys: 44 url-safe base64 characters with padding, 32 random bytes', () => {
    const key = generateFernetKey()
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/)
    expect(fernetKeyToBytes(key)).toHaveLength(32)
    expect(generateFernetKey()).not.toBe(key)
  })

  it('converts between raw bytes and the key string', () => {
    const bytes = randomBytes(32)
    const key = fernetKeyFromBytes(bytes)
    expect(fernetKeyToBytes(key).equals(bytes)).toBe(true)
    expect(() => fernetKeyFromBytes(randomBytes(31))).toThrow(Invalid)
  })

  it('accepts the raw 32 bytes in place of the key string', () => {
    const bytes = randomBytes(32)
    const token = encryptFernet(bytes, 'same key')
    expect(decryptFernet(fernetKeyFromBytes(bytes), token).toString()).toBe('same key')
  })

  it.each([
    ['too short', fernetKeyFromBytes(randomBytes(32)).slice(0, 40)],
    ['too long', padded(randomBytes(33))],
    ['not url-safe base64', '%'.repeat(44)],
    ['standard base64 alphabet', '+/'.repeat(21) + 'A=']
  ])('rejects a malformed key (%s) with Invalid, not InvalidToken, and without echoing it', (_, key) => {
    const token = encryptFernet(generateFernetKey(), 'x')
    for (const fn of [() => encryptFernet(key, 'x'), () => decryptFernet(key, token)]) {
      let caught: unknown
      try {
        fn()
      } catch (err) {
        caught = err
      }
      expect(caught).toBeInstanceOf(Invalid)
      expect(caught).not.toBeInstanceOf(InvalidToken)
      const message = (caught as Error).message
      expect(message).not.toContain(key)
      expect(message).not.toContain('\n')
    }
  })

  it('rejects a Buffer key that is not 32 raw bytes', () => {
    const asText = Buffer.from(generateFernetKey())
    expect(() => encryptFernet(asText, 'x')).toThrow(/32 raw bytes/)
  })
})

describe('Fernet round trips', () => {
  const key = generateFernetKey()

  it.each([
    ['an empty string', ''],
    ['ASCII', 'hello'],
    ['unicode', 'clé 🔑 — 秘密 — Ωμέγα\u0000end']
  ])('round-trips %s', (_, text) => {
    const token = encryptFernet(key, text)
    expect(decryptFernet(key, token).toString('utf8')).toBe(text)
  })

  it('round-trips a 1 MB binary buffer', () => {
    const data = randomBytes(1024 * 1024)
    const token = encryptFernet(key, data)
    expect(decryptFernet(key, token).equals(data)).toBe(true)
  })

  it('uses a fresh IV each time', () => {
    expect(encryptFernet(key, 'same', { now: 1 })).not.toBe(encryptFernet(key, 'same', { now: 1 }))
  })

  it('never repeats an IV, across refills of the IV pool, and every token still opens', () => {
    // More tokens than one pool holds (256 IVs), so IVs come from several refills.
    const tokens = Array.from({ length: 600 }, (_, i) => encryptFernet(key, `value ${i}`, { now: 1 }))
    const ivs = tokens.map((token) => Buffer.from(token, 'base64url').subarray(9, 25).toString('hex'))
    expect(new Set(ivs).size).toBe(tokens.length)
    expect(ivs).not.toContain('00'.repeat(16))
    tokens.forEach((token, i) => expect(decryptFernet(key, token).toString('utf8')).toBe(`value ${i}`))
  })

  it('emits padded url-safe base64 and accepts tokens without padding', () => {
    const token = encryptFernet(key, 'pad me')
    expect(token).toMatch(/^[A-Za-z0-9_-]+={1,2}$/)
    expect(decryptFernet(key, token.replace(/=+$/, '')).toString()).toBe('pad me')
  })

  it('rejects characters outside the url-safe alphabet and wrong padding', () => {
    const token = encryptFernet(key, 'alphabet')
    const body = token.replace(/=+$/, '')
    const standard = body.replace(/-/g, '+').replace(/_/g, '/')
    const bad = [
      ...(standard !== body ? [standard] : []),
      `${body.slice(0, 10)}.${body.slice(11)}`,
      ` ${token}`,
      `${token}\n`,
      `${body}===`,
      `${body}A=`
    ]
    for (const candidate of bad) catchInvalidToken(() => decryptFernet(key, candidate))
  })

  it('rejects a token of the wrong type as InvalidToken', () => {
    catchInvalidToken(() => decryptFernet(key, 42 as unknown as string))
    catchInvalidToken(() => decryptFernet(key, ''))
  })
})

describe('Fernet integrity', () => {
  const key = generateFernetKey()
  const plaintext = 'tamper with me'
  const token = encryptFernet(key, plaintext)

  it('rejects a token with any single decoded byte changed', () => {
    const bytes = tokenBytes(token)
    for (let i = 0; i < bytes.length; i++) {
      for (const flip of [0x01, 0x80]) {
        const tampered = Buffer.from(bytes)
        tampered[i] = tampered[i]! ^ flip
        const err = catchInvalidToken(() => decryptFernet(key, padded(tampered)))
        expectNoSecretIn(err, token, key, plaintext)
      }
    }
  })

  it('rejects a token with any single character changed', () => {
    for (let i = 0; i < token.length; i++) {
      const replacement = token[i] === 'A' ? 'B' : 'A'
      const tampered = token.slice(0, i) + replacement + token.slice(i + 1)
      catchInvalidToken(() => decryptFernet(key, tampered))
    }
  })

  it('rejects truncated and extended tokens', () => {
    const bytes = tokenBytes(token)
    for (const length of [0, 1, 9, 25, 56, 57, 72, bytes.length - 1]) {
      catchInvalidToken(() => decryptFernet(key, padded(bytes.subarray(0, length))))
    }
    catchInvalidToken(() => decryptFernet(key, padded(Buffer.concat([bytes, Buffer.alloc(16)]))))
  })

  it('rejects a token made with another key, with a message free of secrets', () => {
    const other = generateFernetKey()
    const err = catchInvalidToken(() => decryptFernet(other, token))
    expect(err.reason).toBe('signature')
    expectNoSecretIn(err, token, key, other, plaintext)
  })

  it('never yields the plaintext when the signing key matches but the encryption key does not', () => {
    // The HMAC cannot tell (it covers the ciphertext, not the key): AES with the wrong key gives garbage whose
    // padding is still valid about once in 256 tries, as in every Fernet implementation. What must hold is that
    // the plaintext never comes out, and that bad padding is refused.
    const bytes = fernetKeyToBytes(key)
    let refused = 0
    for (let i = 0; i < 32; i++) {
      const mixed = Buffer.concat([bytes.subarray(0, 16), randomBytes(16)])
      try {
        expect(decryptFernet(mixed, token).equals(Buffer.from(plaintext))).toBe(false)
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidToken)
        refused++
      }
    }
    expect(refused).toBeGreaterThan(16)
  })
})

describe('Fernet TTL', () => {
  const key = generateFernetKey()
  const issued = 1_700_000_000
  const token = encryptFernet(key, 'fresh', { now: issued })

  it('accepts a token up to ttl seconds old and rejects it one second later', () => {
    expect(decryptFernet(key, token, { ttlSeconds: 60, now: issued + 60 }).toString()).toBe('fresh')
    const err = catchInvalidToken(() => decryptFernet(key, token, { ttlSeconds: 60, now: issued + 61 }))
    expect(err.reason).toBe('expired')
    expect(err.message).toBe('invalid Fernet token (expired)')
  })

  it('tolerates 60 s of clock skew into the future, and no more', () => {
    expect(decryptFernet(key, token, { ttlSeconds: 10, now: issued - 60 }).toString()).toBe('fresh')
    const err = catchInvalidToken(() => decryptFernet(key, token, { ttlSeconds: 10, now: issued - 61 }))
    expect(err.reason).toBe('future')
  })

  it('ignores age without a ttl, as Python does', () => {
    expect(decryptFernet(key, token, { now: issued + 10 ** 9 }).toString()).toBe('fresh')
  })

  it('checks against the current clock by default', () => {
    const old = encryptFernet(key, 'old', { now: Date.now() / 1000 - 3600 })
    expect(catchInvalidToken(() => decryptFernet(key, old, { ttlSeconds: 60 })).reason).toBe('expired')
    expect(decryptFernet(key, encryptFernet(key, 'new'), { ttlSeconds: 60 }).toString()).toBe('new')
  })

  it('rejects a nonsensical ttl as a caller error', () => {
    expect(() => decryptFernet(key, token, { ttlSeconds: -1 })).toThrow(Invalid)
    expect(() => decryptFernet(key, token, { ttlSeconds: Number.NaN })).toThrow(Invalid)
  })
})

// Python's cryptography is the reference implementation Langflow uses, so tokens must cross both ways.
const PYTHON = 'python3'
const hasPython = spawnSync(PYTHON, ['-c', 'import cryptography.fernet'], { stdio: 'ignore' }).status === 0
if (!hasPython) {
  console.warn(
    'fernet.test.ts: skipping Python interop tests: `python3 -c "import cryptography.fernet"` failed ' +
      '(install Python 3 and the cryptography package to run them)'
  )
}

type PyRequest =
  | { op: 'generate_key' }
  | { op: 'encrypt'; key: string; plaintext: string /* base64 */ }
  | { op: 'decrypt'; key: string; token: string; ttl?: number }

// Requests travel as JSON on stdin, answers as JSON on stdout: no test value touches a command line.
const PY_SCRIPT = `
import base64, json, sys
from cryptography.fernet import Fernet
out = []
for req in json.load(sys.stdin):
    op = req['op']
    if op == 'generate_key':
        out.append(Fernet.generate_key().decode())
    elif op == 'encrypt':
        out.append(Fernet(req['key']).encrypt(base64.b64decode(req['plaintext'])).decode())
    elif op == 'decrypt':
        data = Fernet(req['key']).decrypt(req['token'], ttl=req.get('ttl'))
        out.append(base64.b64encode(data).decode())
json.dump(out, sys.stdout)
`

function python(requests: PyRequest[]): string[] {
  const result = spawnSync(PYTHON, ['-c', PY_SCRIPT], {
    input: JSON.stringify(requests),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
  if (result.status !== 0) throw new Error(`python3 failed (${result.status}): ${result.stderr}`)
  return JSON.parse(result.stdout) as string[]
}

const interopPlaintexts: [string, Buffer][] = [
  ['an empty string', Buffer.alloc(0)],
  ['ASCII', Buffer.from('hello')],
  ['unicode', Buffer.from('clé 🔑 — 秘密', 'utf8')],
  ['exactly one block', Buffer.from('0123456789abcdef')],
  ['1 MB of random bytes', randomBytes(1024 * 1024)]
]

describe('Fernet interop with Python cryptography', () => {
  it.skipIf(!hasPython)('Python decrypts tokens made here, with a TTL check', () => {
    const key = generateFernetKey()
    const tokens = interopPlaintexts.map(([, data]) => encryptFernet(key, data))
    const answers = python(tokens.map((token) => ({ op: 'decrypt', key, token, ttl: 60 })))
    answers.forEach((answer, i) => {
      expect(Buffer.from(answer, 'base64').equals(interopPlaintexts[i]![1])).toBe(true)
    })
  })

  it.skipIf(!hasPython)('decrypts tokens Python made with a key generated here', () => {
    const key = generateFernetKey()
    const tokens = python(
      interopPlaintexts.map(([, data]) => ({ op: 'encrypt', key, plaintext: data.toString('base64') }))
    )
    tokens.forEach((token, i) => {
      expect(decryptFernet(key, token, { ttlSeconds: 60 }).equals(interopPlaintexts[i]![1])).toBe(true)
    })
  })

  it.skipIf(!hasPython)('decrypts tokens made by Python with a key Python generated', () => {
    const [key] = python([{ op: 'generate_key' }])
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/)
    const tokens = python(
      interopPlaintexts.map(([, data]) => ({ op: 'encrypt', key: key!, plaintext: data.toString('base64') }))
    )
    tokens.forEach((token, i) => {
      expect(decryptFernet(key!, token).equals(interopPlaintexts[i]![1])).toBe(true)
    })
    // The same key works in the other direction too.
    const ours = encryptFernet(key!, 'round trip')
    expect(python([{ op: 'decrypt', key: key!, token: ours }])).toEqual([
      Buffer.from('round trip').toString('base64')
    ])
  })

  it.skipIf(!hasPython)('agrees with Python on the spec vectors', () => {
    const v = generateVectors[0]!
    const [plaintext] = python([{ op: 'decrypt', key: v.secret, token: v.token }])
    expect(Buffer.from(plaintext!, 'base64').toString('utf8')).toBe(v.src)
  })
})

describe('encryptFernetAll', () => {
  it('seals each value with an IV of its own, drawn at once, into tokens that decrypt one by one', () => {
    const key = generateFernetKey()
    const values = Array.from({ length: 200 }, (_, i) => (i % 2 ? `value-${i}` : 'same value'))
    const tokens = encryptFernetAll(key, values)
    expect(tokens.map((t) => decryptFernet(key, t).toString('utf8'))).toEqual(values)
    // The IV is bytes 9..25 of the token: equal values still get different tokens.
    const ivs = tokens.map((t) => Buffer.from(t, 'base64url').subarray(9, 25).toString('hex'))
    expect(new Set(ivs).size).toBe(values.length)
    expect(encryptFernetAll(key, [])).toEqual([])
  })
})
