import { createHmac, randomUUID } from 'node:crypto'
import { Corrupt, Unavailable } from '../base/errors'
import type { Store, StoreOps, VaultMeta } from '../store/backend'
import { decryptFernet, encryptFernet, encryptFernetAll } from './fernet'
import { KEYCHAIN_FIXES, type Keychain } from './keychain'
import { deriveSubkey } from './subkeys'
import {
  decodeVaultKey,
  encodeVaultKey,
  generateVaultKey,
  vaultKeyFromEnv,
  type VaultKeySource
} from './vault-key'

const CHECK_TEXT = 'flowkeys-vault-check-v1'

export interface VaultOptions {
  store: Store
  keychain: Keychain
  env?: NodeJS.ProcessEnv
}

/** The keychain account that holds one store's master key. */
export function keychainAccount(vaultId: string): string {
  return `vault-key:${vaultId}`
}

/**
 * The vault: every secret the store holds is sealed or hashed with a key derived from one master key, which
 * comes from FLOWKEYS_SECRET_KEY (or LANGFLOW_SECRET_KEY) or the OS keychain and never touches the disk.
 */
export class Vault {
  private constructor(
    private readonly fernetKey: Buffer,
    private readonly hmacKey: Buffer,
    /** For signing access tokens (JWT HS256). */
    readonly tokenKey: Uint8Array,
    readonly source: VaultKeySource
  ) {}

  static fromMasterKey(master: Buffer, source: VaultKeySource): Vault {
    return new Vault(
      deriveSubkey(master, 'fernet'),
      deriveSubkey(master, 'api-key-hmac'),
      new Uint8Array(deriveSubkey(master, 'token-signing')),
      source
    )
  }

  /**
   * Finds (or, for a store that holds no secrets yet, creates) the master key and proves it opens the store.
   * Runs under the store's lock so two processes starting at once never make two keys.
   */
  static async open({ store, keychain, env = process.env }: VaultOptions): Promise<Vault> {
    const fromEnv = vaultKeyFromEnv(env)
    const where = store.location.where
    if (store.location.kind === 'postgres' && !fromEnv) {
      throw new Unavailable(
        `The team store ${where} needs the same vault key on every server: set FLOWKEYS_SECRET_KEY or FLOWKEYS_SECRET_KEY_FILE (the OS keychain serves the local store only).`
      )
    }
    const find = (meta: VaultMeta, ops: StoreOps): Promise<Vault> =>
      fromEnv
        ? Promise.resolve(Vault.fromMasterKey(fromEnv.key, fromEnv.source))
        : Vault.fromKeychain(keychain, meta, ops, where)
    // An initialised store only needs its check opened: no lock, no write (read-only commands stay read-only).
    const current = await store.vaultMeta()
    if (current.vault_id && current.vault_check) {
      const v = await find(current, store)
      v.assertOpens(current.vault_check, where)
      return v
    }
    return store.transaction(async (tx) => {
      const meta = await tx.vaultMeta()
      meta.vault_id ??= randomUUID()
      const v = await find(meta, tx)
      if (meta.vault_check === null) meta.vault_check = v.encrypt(CHECK_TEXT)
      else v.assertOpens(meta.vault_check, where)
      await tx.setVaultMeta(meta)
      return v
    })
  }

  private assertOpens(check: string, file: string): void {
    if (this.opens(check)) return
    throw new Corrupt(
      `The vault key from ${this.source === 'keychain' || this.source === 'generated' ? 'the OS keychain' : this.source} does not open the secrets in ${file}. ` +
        'Stopping so that nothing is re-encrypted with the wrong key: use the key this store was created with.'
    )
  }

  private static async fromKeychain(
    keychain: Keychain,
    meta: VaultMeta,
    ops: StoreOps,
    file: string
  ): Promise<Vault> {
    const account = keychainAccount(meta.vault_id as string)
    let stored: string | null
    try {
      stored = await keychain.get(account)
    } catch (err) {
      if (err instanceof Unavailable) {
        throw new Unavailable(
          `No vault key: FLOWKEYS_SECRET_KEY is not set and the OS keychain cannot be used. ${err.message} ${KEYCHAIN_FIXES}`
        )
      }
      throw err
    }
    if (stored !== null) return Vault.fromMasterKey(decodeVaultKey(stored), 'keychain')
    if (await ops.holdsSecrets()) {
      throw new Corrupt(
        `The OS keychain has no vault key for ${file}, which holds secrets sealed with one. ` +
          'Refusing to create a new key that would make them unreadable: restore the key to the keychain or set FLOWKEYS_SECRET_KEY to it.'
      )
    }
    const master = generateVaultKey()
    await keychain.set(account, encodeVaultKey(master))
    return Vault.fromMasterKey(master, 'generated')
  }

  encrypt(plaintext: string): string {
    return encryptFernet(this.fernetKey, plaintext)
  }

  /** Many values at once (an import); see encryptFernetAll. */
  encryptAll(plaintexts: readonly string[]): string[] {
    return encryptFernetAll(this.fernetKey, plaintexts)
  }

  /** Throws `InvalidToken` (never echoing the token) when the token was not made with this vault. */
  decrypt(token: string): string {
    return decryptFernet(this.fernetKey, token).toString('utf8')
  }

  /** Keyed hash of an API key: what the store keeps instead of the key. */
  hashApiKey(apiKey: string): string {
    return createHmac('sha256', this.hmacKey).update(apiKey, 'utf8').digest('hex')
  }

  private opens(token: string): boolean {
    try {
      return this.decrypt(token) === CHECK_TEXT
    } catch {
      return false
    }
  }
}
