import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { Invalid } from '../../src/main/base/errors'
import { BACKUP_MAGIC, openBackup, sealBackup } from '../../src/main/recovery/backup-file'

// scrypt at N=2^17 takes about half a second per call: the file is sealed once and altered copies of it are
// opened; only the alterations that get past the header's checks cost a derivation.
const PASSPHRASE = 'correct horse battery staple'
const NAME = 'flowkeys-2025.backup'
const NOT_BACKUP = `${NAME} is not a FlowKeys backup (it does not start with "${BACKUP_MAGIC}").`
const HEADER = `${NAME} is damaged (its header cannot be read); nothing was restored.`
const TRUNCATED = `${NAME} is damaged (truncated or altered); nothing was restored.`
const WRONG = `Wrong passphrase for ${NAME} (or its header was altered); nothing was restored.`

const vaultKey = randomBytes(32)
const body = Buffer.from(
  JSON.stringify({ format: 1, secret: 'sk-body-plaintext-' + randomBytes(12).toString('hex') }),
  'utf8'
)
let file: Buffer
let text: string
let headerLine: string
let headerStart: number
let bodyStart: number
let bodyText: string

beforeAll(async () => {
  file = await sealBackup(PASSPHRASE, vaultKey, body)
  text = file.toString('utf8')
  headerStart = BACKUP_MAGIC.length + 1
  headerLine = text.slice(headerStart, text.indexOf('\n', headerStart))
  bodyStart = headerStart + headerLine.length + 1
  bodyText = text.slice(bodyStart, text.length - 1)
})

/** What opening `bytes` throws; fails the test when it opens. */
async function refusal(bytes: Buffer, passphrase = PASSPHRASE): Promise<Error> {
  const error = await openBackup(NAME, bytes, passphrase).then(
    () => null,
    (err: unknown) => err as Error
  )
  expect(error, 'the altered file was opened').not.toBeNull()
  expect(error).toBeInstanceOf(Invalid)
  expect(error!.message).not.toContain('\n')
  expect(error!.message).not.toContain(PASSPHRASE)
  return error!
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** The file with the byte at `pos` replaced: by the next letter or digit when it is one (so base64 stays base64). */
function substituted(pos: number): Buffer {
  const copy = Buffer.from(file)
  const c = String.fromCharCode(copy[pos]!)
  const i = ALNUM.indexOf(c)
  copy[pos] = (i >= 0 ? ALNUM[(i + 1) % ALNUM.length]! : c === '{' ? '[' : 'A').charCodeAt(0)
  return copy
}

/** The file with the high bit of the byte at `pos` flipped (no longer ASCII, nor valid UTF-8). */
function highBitFlipped(pos: number): Buffer {
  const copy = Buffer.from(file)
  copy[pos] = copy[pos]! ^ 0x80
  return copy
}

/** The position of the `offset`-th character of the string value of `field` in the header (negative: from its end). */
function inHeader(field: string, offset: number): number {
  const marker = `"${field}":"`
  const start = headerLine.indexOf(marker)
  expect(start, field).toBeGreaterThan(-1)
  const valueStart = start + marker.length
  const valueEnd = headerLine.indexOf('"', valueStart)
  return headerStart + (offset >= 0 ? valueStart + offset : valueEnd + offset)
}

describe('sealBackup', () => {
  it('writes the magic line, a JSON header with scrypt N=2^17 r=8 p=1, and a base64 body, each on a line', () => {
    const lines = text.split('\n')
    expect(lines).toHaveLength(4)
    expect(lines[0]).toBe(BACKUP_MAGIC)
    expect(lines[3]).toBe('')
    const header = JSON.parse(lines[1]!)
    expect(header.kdf).toMatchObject({ name: 'scrypt', N: 2 ** 17, r: 8, p: 1 })
    expect(Buffer.from(header.kdf.salt, 'base64url')).toHaveLength(16)
    expect(Buffer.from(header.key.iv, 'base64url')).toHaveLength(12)
    // The vault key and the body key, with a GCM tag.
    expect(Buffer.from(header.key.sealed, 'base64url')).toHaveLength(32 + 32 + 16)
    expect(Buffer.from(header.body.iv, 'base64url')).toHaveLength(12)
    expect(Math.abs(Date.parse(header.created_at) - Date.now())).toBeLessThan(60_000)
    expect(lines[2]).toMatch(/^[A-Za-z0-9+/]+={0,2}$/)
    expect(Buffer.from(lines[2]!, 'base64')).toHaveLength(body.length + 16)
  })

  it('holds neither the vault key nor the body in clear, in any encoding', () => {
    for (const secret of [vaultKey, body.subarray(20, 60)]) {
      expect(file.includes(secret)).toBe(false)
      for (const form of ['base64', 'base64url', 'hex'] as const) {
        expect(text).not.toContain(secret.toString(form).slice(0, 20))
      }
    }
    expect(text).not.toContain('sk-body-plaintext-')
    expect(text).not.toContain(PASSPHRASE)
  })
})

describe('openBackup', () => {
  it('gives back the vault key, the body and when it was made', async () => {
    const opened = await openBackup(NAME, file, PASSPHRASE)
    expect(opened.vaultKey).toEqual(vaultKey)
    expect(opened.body).toEqual(body)
    expect(opened.createdAt).toBe(JSON.parse(headerLine).created_at)
  })

  it('refuses a wrong passphrase, one letter off included, with one line that names the file', async () => {
    expect((await refusal(file, 'correct horse battery stapler')).message).toBe(WRONG)
  })

  it('reads the passphrase in NFC: é typed as one code point or as e and an accent opens the same file', async () => {
    const composed = 'caf\u00e9 au lait, s\u2019il vous pla\u00eet'
    const decomposed = composed.normalize('NFD')
    expect(decomposed).not.toBe(composed)
    const sealed = await sealBackup(composed, vaultKey, body)
    expect((await openBackup(NAME, sealed, decomposed)).vaultKey).toEqual(vaultKey)
    // A new file of the same content shares nothing with the first: fresh salt, ivs and body key.
    const [h1, h2] = [headerLine, sealed.toString('utf8').split('\n')[1]!].map((l) => JSON.parse(l))
    expect(h2.kdf.salt).not.toBe(h1.kdf.salt)
    expect(h2.key.iv).not.toBe(h1.key.iv)
    expect(h2.body.iv).not.toBe(h1.body.iv)
    expect(sealed.toString('utf8').split('\n')[2]).not.toBe(bodyText)
  })

  it('refuses what is not a backup', async () => {
    expect((await refusal(Buffer.alloc(0))).message).toBe(NOT_BACKUP)
    expect((await refusal(Buffer.from('{"format":1}\n'))).message).toBe(NOT_BACKUP)
    expect((await refusal(Buffer.from(`${BACKUP_MAGIC}X\n${headerLine}\n`))).message).toBe(NOT_BACKUP)
  })

  it('refuses the file truncated at any of several lengths', async () => {
    const cuts: Array<[number, string]> = [
      [0, NOT_BACKUP],
      [1, NOT_BACKUP],
      [BACKUP_MAGIC.length, NOT_BACKUP],
      [headerStart, HEADER],
      [headerStart + 1, HEADER],
      [headerStart + Math.floor(headerLine.length / 2), HEADER],
      [bodyStart - 2, HEADER],
      // The whole header but not its line end: the body is missing.
      [bodyStart - 1, TRUNCATED],
      [bodyStart, TRUNCATED],
      [bodyStart + 1, TRUNCATED],
      [bodyStart + Math.floor(bodyText.length / 2), TRUNCATED],
      [file.length - 5, TRUNCATED],
      [file.length - 2, TRUNCATED],
      // Only the final line end missing.
      [file.length - 1, TRUNCATED]
    ]
    for (const [length, expected] of cuts) {
      const error = await refusal(file.subarray(0, length))
      expect(error.message, `cut at ${length} of ${file.length}`).toBe(expected)
    }
  })

  it('refuses bytes appended after the body', async () => {
    expect((await refusal(Buffer.concat([file, Buffer.from('x')]))).message).toBe(TRUNCATED)
    expect((await refusal(Buffer.concat([file, Buffer.from('AAAA')]))).message).toBe(TRUNCATED)
  })

  describe('a single altered byte, at positions spread over the header, the sealed key and the body', () => {
    const cases: Array<[string, () => number, string]> = [
      ['the magic line', () => 0, NOT_BACKUP],
      ['the magic line version', () => BACKUP_MAGIC.length - 1, NOT_BACKUP],
      ['the line end after the magic', () => BACKUP_MAGIC.length, NOT_BACKUP],
      ['the header opening brace', () => headerStart, HEADER],
      ['the scrypt cost N', () => headerStart + headerLine.indexOf('"N":') + 4, HEADER],
      ['the salt', () => inHeader('salt', 10), WRONG],
      ['the key iv', () => inHeader('iv', 7), WRONG],
      ['the sealed key, in its tag', () => inHeader('sealed', -4), WRONG],
      ['the body iv', () => headerStart + headerLine.indexOf('"body":{"iv":"') + 14 + 8, TRUNCATED],
      ['the creation time', () => inHeader('created_at', 18), TRUNCATED],
      ['the body, middle', () => bodyStart + Math.floor(bodyText.length / 2), TRUNCATED],
      ['the body, in its tag', () => bodyStart + bodyText.length - 6, TRUNCATED],
      ['the final line end', () => file.length - 1, TRUNCATED]
    ]

    it.each(cases)('replaced in %s: refused', async (_where, position, expected) => {
      const pos = position()
      const altered = substituted(pos)
      expect(altered.equals(file)).toBe(false)
      const error = await refusal(altered)
      expect(error.message, `byte ${pos}: ${JSON.stringify(text[pos])}`).toBe(expected)
    })

    // With its high bit flipped a byte is no longer a character of any alphabet the file uses: the header's
    // fields no longer parse, except the creation time (free text), which only the body's tag covers.
    it.each(cases)('with its high bit flipped in %s: refused', async (where, position) => {
      const pos = position()
      const expected =
        pos < headerStart
          ? NOT_BACKUP
          : pos < bodyStart - 1 && where !== 'the creation time'
            ? HEADER
            : TRUNCATED
      const error = await refusal(highBitFlipped(pos))
      expect(error.message, `byte ${pos}`).toBe(expected)
    })
  })

  describe('a crafted header', () => {
    function withKdf(change: (kdf: Record<string, unknown>) => void): Buffer {
      const header = JSON.parse(headerLine)
      change(header.kdf)
      return Buffer.from(`${BACKUP_MAGIC}\n${JSON.stringify(header)}\n${bodyText}\n`)
    }

    it('asking for an absurd amount of work is refused as unreadable (it cannot hang a restore)', async () => {
      for (const change of [
        (kdf: Record<string, unknown>) => (kdf.N = 2 ** 21),
        (kdf: Record<string, unknown>) => (kdf.N = 2 ** 17 + 1),
        (kdf: Record<string, unknown>) => (kdf.r = 64),
        (kdf: Record<string, unknown>) => (kdf.p = 16),
        (kdf: Record<string, unknown>) => (kdf.name = 'pbkdf2')
      ]) {
        expect((await refusal(withKdf(change))).message).toBe(HEADER)
      }
    })

    it('lowering the work factor does not open the file (the KDF is bound to the sealed key)', async () => {
      expect((await refusal(withKdf((kdf) => (kdf.N = 2 ** 14)))).message).toBe(WRONG)
    })
  })
})
