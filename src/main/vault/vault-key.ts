import { randomBytes } from 'node:crypto'
import { Invalid } from '../core/errors'

export type VaultKeySource = 'LANGFLOW_SECRET_KEY' | 'keychain' | 'generated'

const URLSAFE_B64 = /^[A-Za-z0-9_-]+$/

/**
 * Reads LANGFLOW_SECRET_KEY the way Langflow uses it as a Fernet key: url-safe base64, padding added when
 * missing, and it must decode to exactly 32 bytes. The message never repeats the value.
 */
export function parseSecretKey(value: string): Buffer {
  const body = value.trim().replace(/=+$/, '')
  const bytes = URLSAFE_B64.test(body) ? Buffer.from(body, 'base64url') : null
  if (!bytes || bytes.length !== 32) {
    throw new Invalid(
      'LANGFLOW_SECRET_KEY must be url-safe base64 that decodes to 32 bytes (43 characters, such as the output of ' +
        'python3 -c "import secrets; print(secrets.token_urlsafe(32))"); the value set ' +
        (bytes ? `decodes to ${bytes.length} bytes.` : 'is not url-safe base64.')
    )
  }
  return bytes
}

/** A new master key: 32 bytes from the OS CSPRNG. */
export function generateVaultKey(): Buffer {
  return randomBytes(32)
}

/** The keychain holds the master key as url-safe base64, the same form LANGFLOW_SECRET_KEY takes. */
export function encodeVaultKey(key: Buffer): string {
  return key.toString('base64url')
}

export function decodeVaultKey(text: string): Buffer {
  return parseSecretKey(text)
}
