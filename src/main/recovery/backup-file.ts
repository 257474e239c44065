/**
 * The backup file: a header line naming the format and the KDF, then the body, both authenticated.
 *
 *   FLOWKEYS-BACKUP 1
 *   {"kdf":{"name":"scrypt","N":…,"r":8,"p":1,"salt":…},"key":{"iv":…,"sealed":…},"body":{"iv":…},…}
 *   <base64 of the body sealed with AES-256-GCM>
 *
 * The passphrase goes through scrypt (memory-hard) to a key that seals the vault key and a random body key
 * (AES-256-GCM, the magic line and KDF as associated data); the body key seals the store and the data
 * directory's files, with the whole header as associated data. A wrong passphrase fails on the small sealed
 * key; an altered or truncated file fails on one of the two tags: nothing is trusted before both open.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback } from 'node:crypto'
import { promisify } from 'node:util'
import { z } from 'zod'
import { Invalid } from '../base/errors'

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  length: number,
  options: { N: number; r: number; p: number; maxmem: number }
) => Promise<Buffer>

export const BACKUP_MAGIC = 'FLOWKEYS-BACKUP 1'
// 128 MiB and ~0.3 s per try on a laptop (OWASP's scrypt minimum is N=2^17, r=8, p=1).
const KDF = { N: 2 ** 17, r: 8, p: 1 }
// A file may ask for more work than this build uses, never for an absurd amount (a crafted file cannot hang us).
const MAX_N = 2 ** 20
const maxmem = (N: number, r: number): number => 128 * N * r + 16 * 1024 * 1024

const b64 = z.string().regex(/^[A-Za-z0-9_-]*$/)
const HeaderSchema = z.object({
  kdf: z.object({
    name: z.literal('scrypt'),
    N: z
      .number()
      .int()
      .min(2 ** 14)
      .max(MAX_N)
      .refine((n) => (n & (n - 1)) === 0),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(4),
    salt: b64
  }),
  key: z.object({ iv: b64, sealed: b64 }),
  body: z.object({ iv: b64 }),
  created_at: z.string()
})
type Header = z.infer<typeof HeaderSchema>

/** What a backup holds once opened. */
export interface OpenedBackup {
  createdAt: string
  vaultKey: Buffer
  body: Buffer
}

function seal(key: Buffer, iv: Buffer, plaintext: Buffer, aad: string): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(aad, 'utf8'))
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
}

function open(key: Buffer, iv: Buffer, sealed: Buffer, aad: string): Buffer | null {
  if (sealed.length < 16) return null
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv)
    decipher.setAAD(Buffer.from(aad, 'utf8'))
    decipher.setAuthTag(sealed.subarray(sealed.length - 16))
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()])
  } catch {
    return null
  }
}

function kdfAad(kdf: Header['kdf']): string {
  return `${BACKUP_MAGIC}\n${JSON.stringify(kdf)}`
}

async function passphraseKey(passphrase: string, kdf: Header['kdf']): Promise<Buffer> {
  const { N, r, p } = kdf
  return scrypt(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64url'), 32, {
    N,
    r,
    p,
    maxmem: maxmem(N, r)
  })
}

/** The backup file's bytes: `vaultKey` and `body` sealed under `passphrase` (checked by the caller). */
export async function sealBackup(passphrase: string, vaultKey: Buffer, body: Buffer): Promise<Buffer> {
  const kdf = { name: 'scrypt' as const, ...KDF, salt: randomBytes(16).toString('base64url') }
  const bodyKey = randomBytes(32)
  const keyIv = randomBytes(12)
  const sealedKey = seal(
    await passphraseKey(passphrase, kdf),
    keyIv,
    Buffer.concat([vaultKey, bodyKey]),
    kdfAad(kdf)
  )
  const header: Header = {
    kdf,
    key: { iv: keyIv.toString('base64url'), sealed: sealedKey.toString('base64url') },
    body: { iv: randomBytes(12).toString('base64url') },
    created_at: new Date().toISOString()
  }
  const headerLine = JSON.stringify(header)
  const sealedBody = seal(
    bodyKey,
    Buffer.from(header.body.iv, 'base64url'),
    body,
    `${BACKUP_MAGIC}\n${headerLine}`
  )
  return Buffer.from(`${BACKUP_MAGIC}\n${headerLine}\n${sealedBody.toString('base64')}\n`, 'utf8')
}

/** Opens a backup; every failure is one line naming `name` (the file), never holding a secret. */
export async function openBackup(name: string, bytes: Buffer, passphrase: string): Promise<OpenedBackup> {
  const damaged = (what: string): Invalid =>
    new Invalid(`${name} is damaged (${what}); nothing was restored.`)
  const text = bytes.toString('utf8')
  if (!text.startsWith(`${BACKUP_MAGIC}\n`)) {
    throw new Invalid(`${name} is not a FlowKeys backup (it does not start with "${BACKUP_MAGIC}").`)
  }
  const lines = text.split('\n')
  const [, headerLine = '', bodyText, rest] = lines
  let header: Header
  try {
    header = HeaderSchema.parse(JSON.parse(headerLine))
  } catch {
    throw damaged('its header cannot be read')
  }
  // Exactly three lines, the body in canonical base64: no two files open to the same content.
  const canonical = bodyText !== undefined && Buffer.from(bodyText, 'base64').toString('base64') === bodyText
  if (lines.length !== 4 || rest !== '' || !canonical) {
    throw damaged('truncated or altered')
  }
  const keys = open(
    await passphraseKey(passphrase, header.kdf),
    Buffer.from(header.key.iv, 'base64url'),
    Buffer.from(header.key.sealed, 'base64url'),
    kdfAad(header.kdf)
  )
  if (!keys || keys.length !== 64) {
    throw new Invalid(`Wrong passphrase for ${name} (or its header was altered); nothing was restored.`)
  }
  const body = open(
    keys.subarray(32),
    Buffer.from(header.body.iv, 'base64url'),
    Buffer.from(bodyText, 'base64'),
    `${BACKUP_MAGIC}\n${headerLine}`
  )
  if (!body) throw damaged('truncated or altered')
  return { createdAt: header.created_at, vaultKey: Buffer.from(keys.subarray(0, 32)), body }
}
