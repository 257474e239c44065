import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Invalid, oneLine } from '../base/errors'

/** The environment variables that may hold the vault key, in the order they are read. */
export const VAULT_KEY_VARIABLES = ['FLOWKEYS_SECRET_KEY', 'LANGFLOW_SECRET_KEY'] as const

export type VaultKeyVariable = (typeof VAULT_KEY_VARIABLES)[number]
/** Names a file holding the vault key (a mounted secret, for servers sharing a database). */
export const VAULT_KEY_FILE_VARIABLE = 'FLOWKEYS_SECRET_KEY_FILE'

export type VaultKeySource = VaultKeyVariable | typeof VAULT_KEY_FILE_VARIABLE | 'keychain' | 'generated'

/**
 * The vault key from the environment: FLOWKEYS_SECRET_KEY, else LANGFLOW_SECRET_KEY (stores made before FlowKeys
 * had a name of its own keep working), else the file FLOWKEYS_SECRET_KEY_FILE names, with where it came from;
 * null when none is set.
 */
export function vaultKeyFromEnv(
  env: NodeJS.ProcessEnv
): { key: Buffer; source: Exclude<VaultKeySource, 'keychain' | 'generated'> } | null {
  for (const name of VAULT_KEY_VARIABLES) {
    const value = env[name]?.trim()
    if (value) return { key: parseSecretKey(value, name), source: name }
  }
  const file = env[VAULT_KEY_FILE_VARIABLE]?.trim()
  if (!file) return null
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new Invalid(`${VAULT_KEY_FILE_VARIABLE}: cannot read ${file} (${oneLine(err)})`)
  }
  return { key: parseSecretKey(text, `The vault key in ${file}`), source: VAULT_KEY_FILE_VARIABLE }
}

const URLSAFE_B64 = /^[A-Za-z0-9_-]+$/

/**
 * Reads a vault key the way Langflow reads its SECRET_KEY as a Fernet key: url-safe base64, padding added when
 * missing, and it must decode to exactly 32 bytes. The message names `name` and never repeats the value.
 */
export function parseSecretKey(value: string, name = 'FLOWKEYS_SECRET_KEY'): Buffer {
  const body = value.trim().replace(/=+$/, '')
  const bytes = URLSAFE_B64.test(body) ? Buffer.from(body, 'base64url') : null
  if (!bytes || bytes.length !== 32) {
    throw new Invalid(
      `${name} must be url-safe base64 that decodes to 32 bytes (43 characters, such as the output of ` +
        `python3 -c "import secrets; print(secrets.token_urlsafe(32))"); the value set ` +
        (bytes ? `decodes to ${bytes.length} bytes.` : 'is not url-safe base64.')
    )
  }
  return bytes
}

/** A new master key: 32 bytes from the OS CSPRNG. */
export function generateVaultKey(): Buffer {
  return randomBytes(32)
}

/** The keychain holds the master key as url-safe base64, the same form FLOWKEYS_SECRET_KEY takes. */
export function encodeVaultKey(key: Buffer): string {
  return key.toString('base64url')
}

export function decodeVaultKey(text: string): Buffer {
  return parseSecretKey(text, 'The vault key in the OS keychain')
}
