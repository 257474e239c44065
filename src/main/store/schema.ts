/**
 * The shape of the store file. Every change to it bumps SCHEMA_VERSION and adds a step to migrations.ts.
 * Secrets never appear here in clear: API keys are HMACs, variable values and store keys are Fernet tokens.
 */
export const SCHEMA_VERSION = 5

export interface UserRecord {
  id: string
  username: string
  /** scrypt$N$r$p$salt$hash, never reversible. */
  password_hash: string
  is_active: boolean
  is_superuser: boolean
  profile_image: string | null
  /** The user's component-store API key, as a Fernet token. */
  store_api_key: string | null
  create_at: string
  updated_at: string
  last_login_at: string | null
  /** Signed into every token; a logout or a password change adds one, which ends the older tokens. */
  token_generation: number
}

export interface ApiKeyRecord {
  id: string
  name: string | null
  /** HMAC-SHA256 (hex) of the full key under the vault's key-hashing sub-key. */
  hash: string
  /** The key's first 8 characters, enough to show a masked form. */
  prefix: string
  created_at: string
  last_used_at: string | null
  total_uses: number
  is_active: boolean
  user_id: string
  expires_at: string | null
  /**
   * The flows (ids or endpoint names) this key may run through the gateway; null: no limit beyond its user's
   * rights. Set only by a superuser (it grants a non-superuser those flows: SECURITY.md).
   */
  allowed_flows: string[] | null
}

export type VariableType = 'Credential' | 'Generic'

export interface VariableRecord {
  id: string
  user_id: string
  name: string
  type: VariableType
  /** Fernet token of the value (both types are encrypted). */
  value: string
  default_fields: string[]
  /** Who set the value last: the app (UI, CLI, API) wins over the environment. */
  source: 'app' | 'env'
  created_at: string
  updated_at: string
}

export interface StoreData {
  version: number
  /**
   * Random, replaced by every write and written first in the file: a process holding the lock reads the file's
   * first bytes to know whether another process wrote since it last read, instead of re-reading it all.
   * Null until the first write.
   */
  write_id: string | null
  /** Names this store's vault key in the OS keychain (not a secret). */
  vault_id: string | null
  /** A Fernet token of a known text: proves the vault key in use is the one that encrypted this store. */
  vault_check: string | null
  /** The API-key hashing key, sealed by the vault key, once a rotation replaced the key it was derived from. */
  vault_hmac: string | null
  /** The vault key sealed to the recovery key's public half (vault/recovery-key.ts); null without one. */
  vault_recovery: string | null
  users: UserRecord[]
  api_keys: ApiKeyRecord[]
  variables: VariableRecord[]
}

export function emptyStore(): StoreData {
  return {
    version: SCHEMA_VERSION,
    write_id: null,
    vault_id: null,
    vault_check: null,
    vault_hmac: null,
    vault_recovery: null,
    users: [],
    api_keys: [],
    variables: []
  }
}
