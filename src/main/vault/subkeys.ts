import { hkdfSync } from 'node:crypto'

/** Each purpose gets its own key so that no key is ever used for two things, nor the master key raw. */
export type SubkeyPurpose = 'fernet' | 'api-key-hmac' | 'token-signing'

const SALT = Buffer.from('FlowKeys vault v1', 'utf8')

export function deriveSubkey(master: Buffer, purpose: SubkeyPurpose, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', master, SALT, Buffer.from(`flowkeys:${purpose}`, 'utf8'), length))
}
