import { createHmac, randomUUID } from 'node:crypto'
import { Conflict, Corrupt, Unavailable } from '../base/errors'
import type { Store, StoreOps, VaultMeta } from '../store/backend'
import type { StoreData } from '../store/schema'
import { InvalidToken, decryptFernet, encryptFernet, encryptFernetAll } from './fernet'
import { KEYCHAIN_FIXES, type Keychain } from './keychain'
import { recipientOf, sealToRecovery } from './recovery-key'
import type { RotationEntry, RotationJournal } from './rotation-journal'
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

/** Everything one master key gives, and the store state it was proven against. */
interface VaultKeys {
  master: Buffer
  fernet: Buffer
  hmac: Buffer
  token: Uint8Array
  source: VaultKeySource
  /** The store's vault_id and vault_check these keys opened (null for a vault made from a bare key). */
  id: string | null
  check: string | null
}

function keysOf(
  master: Buffer,
  source: VaultKeySource,
  meta: Pick<VaultMeta, 'vault_id' | 'vault_check' | 'vault_hmac'>
): VaultKeys {
  const fernet = deriveSubkey(master, 'fernet')
  // After a rotation the hashing key is the one API keys were hashed with, sealed by the new key.
  const hmac = meta.vault_hmac ? decryptFernet(fernet, meta.vault_hmac) : deriveSubkey(master, 'api-key-hmac')
  return {
    master,
    fernet,
    hmac,
    token: new Uint8Array(deriveSubkey(master, 'token-signing')),
    source,
    id: meta.vault_id,
    check: meta.vault_check
  }
}

/** Another process rotated the vault key while this one was sealing values: they were not saved. */
class KeyRotated extends Conflict {
  constructor() {
    super('The vault key was rotated while this change was being saved; nothing was saved.')
  }
}

export interface RotationSummary {
  variables: number
  store_keys: number
}

export interface RotationOptions {
  /** The new master key; by default a fresh one (kept in the keychain when the current one lives there). */
  master?: Buffer
  /** Runs once the new key is safe and before the store changes: seals files outside the store (upstream.json). */
  beforeCommit?: (seal: (plaintext: string) => string) => void
  /** Runs once the store holds the new state. */
  afterCommit?: () => void
  /** Notes the two keychain items while the rotation runs (rotation-journal.ts); none for an env-held key. */
  journal?: Pick<RotationJournal, 'begin' | 'end'>
  /** Test hook: runs between the steps (a crash test kills the process there). */
  step?: (name: 'key-saved' | 'prepared' | 'committed' | 'done') => void | Promise<void>
}

/**
 * The vault: every secret the store holds is sealed or hashed with a key derived from one master key, which
 * comes from FLOWKEYS_SECRET_KEY (or LANGFLOW_SECRET_KEY) or the OS keychain and never touches the disk. The
 * master key can be rotated (by this process or another): `refresh` loads the store's current one.
 */
export class Vault {
  private keys: VaultKeys
  private refreshing: Promise<boolean> | undefined

  private constructor(
    keys: VaultKeys,
    private readonly home?: Required<VaultOptions>
  ) {
    this.keys = keys
  }

  /** A vault over a bare key, tied to no store (tests, tools). */
  static fromMasterKey(master: Buffer, source: VaultKeySource): Vault {
    return new Vault(keysOf(master, source, { vault_id: null, vault_check: null, vault_hmac: null }))
  }

  /**
   * Finds (or, for a store that holds no secrets yet, creates) the master key and proves it opens the store.
   * Runs under the store's lock so two processes starting at once never make two keys.
   */
  static async open({ store, keychain, env = process.env }: VaultOptions): Promise<Vault> {
    const home = { store, keychain, env }
    if (store.location.kind === 'postgres' && !vaultKeyFromEnv(env)) {
      throw new Unavailable(
        `The team store ${store.location.where} needs the same vault key on every server: set FLOWKEYS_SECRET_KEY or FLOWKEYS_SECRET_KEY_FILE (the OS keychain serves the local store only).`
      )
    }
    // An initialised store only needs its check opened: no lock, no write (read-only commands stay read-only).
    const current = await store.vaultMeta()
    if (current.vault_id && current.vault_check) return new Vault(await findKeys(home, current, store), home)
    return store.transaction(async (tx) => {
      const meta = await tx.vaultMeta()
      meta.vault_id ??= randomUUID()
      const { master, source } = await findMaster(home, meta, tx)
      meta.vault_check ??= encryptFernet(deriveSubkey(master, 'fernet'), CHECK_TEXT)
      const keys = keysOfChecked(master, source, meta, store.location.where)
      await tx.setVaultMeta(meta)
      return new Vault(keys, home)
    })
  }

  /**
   * Removes the keychain items of an interrupted rotation (its entry in the journal) that the store does not name:
   * the new key of one killed before its commit, or the retired key of one killed after it. Returns how many.
   */
  async removeUnusedKeys(entry: Pick<RotationEntry, 'from' | 'to'>): Promise<number> {
    const home = this.home
    if (!home || (this.keys.source !== 'keychain' && this.keys.source !== 'generated')) return 0
    let removed = 0
    for (const id of [entry.from, entry.to]) {
      if (id && id !== this.keys.id && (await home.keychain.delete(keychainAccount(id)))) removed++
    }
    return removed
  }

  get source(): VaultKeySource {
    return this.keys.source
  }

  /** For signing access tokens (JWT HS256); a rotation replaces it, which ends every session. */
  get tokenKey(): Uint8Array {
    return this.keys.token
  }

  /** The store's vault id this vault opened (names its keychain item). */
  get id(): string | null {
    return this.keys.id
  }

  encrypt(plaintext: string): string {
    return encryptFernet(this.keys.fernet, plaintext)
  }

  /** Many values at once (an import); see encryptFernetAll. */
  encryptAll(plaintexts: readonly string[]): string[] {
    return encryptFernetAll(this.keys.fernet, plaintexts)
  }

  /** Throws `InvalidToken` (never echoing the token) when the token was not made with this vault. */
  decrypt(token: string): string {
    return decryptFernet(this.keys.fernet, token).toString('utf8')
  }

  /** Keyed hash of an API key: what the store keeps instead of the key. */
  hashApiKey(apiKey: string): string {
    return createHmac('sha256', this.keys.hmac).update(apiKey, 'utf8').digest('hex')
  }

  /** The master key sealed to a recovery key's public half, for the store (vault/recovery-key.ts). */
  sealForRecovery(recipient: Buffer): string {
    return sealToRecovery(recipient, this.keys.master)
  }

  /** The master key, for an encrypted backup only (recovery/backup-file.ts wraps it under a passphrase). */
  exportMasterKey(): Buffer {
    return Buffer.from(this.keys.master)
  }

  /**
   * Loads the store's current key when another process rotated it; answers whether it changed. Cheap when
   * nothing changed (the store's meta is read, nothing else). Concurrent calls share one load.
   */
  refresh(): Promise<boolean> {
    const home = this.home
    if (!home) return Promise.resolve(false)
    this.refreshing ??= (async () => {
      const meta = await home.store.vaultMeta()
      if (meta.vault_id === this.keys.id && meta.vault_check === this.keys.check) return false
      this.keys = await findKeys(home, meta, home.store)
      return true
    })().finally(() => (this.refreshing = undefined))
    return this.refreshing
  }

  /** Runs a read that decrypts; if a value no longer opens because the key was rotated, loads it and reads again. */
  async reading<T>(read: () => T | Promise<T>): Promise<T> {
    try {
      return await read()
    } catch (err) {
      if (!(err instanceof InvalidToken) || !(await this.refresh())) throw err
      return read()
    }
  }

  /**
   * Runs a write that seals values, each sealed inside it and checked with `assertCurrent`: when another process
   * rotated the key meanwhile, loads the new key and runs it once more, so no value is sealed with a retired key.
   */
  async writing<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write()
    } catch (err) {
      if (!(err instanceof KeyRotated)) throw err
      await this.refresh()
      return write()
    }
  }

  /** Inside a write transaction: the store's key is still this vault's (else KeyRotated, see `writing`). */
  async assertCurrent(tx: StoreOps): Promise<void> {
    if (!this.home) return
    const meta = await tx.vaultMeta()
    if (meta.vault_id !== this.keys.id || meta.vault_check !== this.keys.check) throw new KeyRotated()
  }

  /**
   * Re-seals every value of the store under a new master key in one transaction (all or nothing): variables,
   * store keys, the hashing key (API keys keep working), the recovery envelope; access tokens signed with the
   * old key stop verifying. The new key is saved before the store changes and the old one removed after, so a
   * crash at any point leaves a store that opens with one of the two.
   */
  async rotate(options: RotationOptions = {}): Promise<RotationSummary> {
    const home = this.home
    if (!home) throw new Unavailable('This vault is not tied to a store.')
    await this.refresh()
    const fromKeychain = this.keys.source === 'keychain' || this.keys.source === 'generated'
    if (!fromKeychain && !options.master) {
      throw new Unavailable(
        `The vault key comes from ${this.keys.source}: give the new key (flowkeys rotate-key --new-key-file FILE writes one) and set it on every server afterwards.`
      )
    }
    const old = this.keys
    const master = options.master ?? generateVaultKey()
    const id = randomUUID()
    if (fromKeychain) {
      options.journal?.begin({ from: old.id, to: id })
      await home.keychain.set(keychainAccount(id), encodeVaultKey(master))
    }
    await options.step?.('key-saved')
    const fernet = deriveSubkey(master, 'fernet')
    const seal = (plaintext: string): string => encryptFernet(fernet, plaintext)
    options.beforeCommit?.(seal)
    await options.step?.('prepared')
    let summary: RotationSummary = { variables: 0, store_keys: 0 }
    let next: VaultKeys | undefined
    const commit = home.store.transaction(async (tx) => {
      await this.assertCurrent(tx)
      const data = await tx.exportAll()
      summary = reseal(data, (token) => decryptFernet(old.fernet, token).toString('utf8'), fernet)
      data.vault_id = id
      data.vault_check = encryptFernet(fernet, CHECK_TEXT)
      data.vault_hmac = encryptFernet(fernet, old.hmac)
      data.vault_recovery = data.vault_recovery
        ? sealToRecovery(recipientOf(data.vault_recovery), master)
        : null
      await tx.replaceAll(data)
      next = keysOf(master, fromKeychain ? 'keychain' : old.source, data)
    })
    await commit.catch(async (err: unknown) => {
      // Nothing changed: the new key's keychain item would only be litter (best effort; a crash leaves it).
      if (fromKeychain) {
        await home.keychain.delete(keychainAccount(id)).catch(() => false)
        options.journal?.end()
      }
      throw err
    })
    this.keys = next!
    await options.step?.('committed')
    options.afterCommit?.()
    if (fromKeychain) {
      if (old.id) await home.keychain.delete(keychainAccount(old.id))
      options.journal?.end()
    }
    await options.step?.('done')
    return summary
  }
}

/** Seals again, in place, every value of `data` (variables and users' store keys). */
function reseal(data: StoreData, open: (token: string) => string, fernet: Buffer): RotationSummary {
  const values = encryptFernetAll(
    fernet,
    data.variables.map((v) => open(v.value))
  )
  data.variables.forEach((v, i) => (v.value = values[i]!))
  let storeKeys = 0
  for (const user of data.users) {
    if (user.store_api_key === null) continue
    user.store_api_key = encryptFernet(fernet, open(user.store_api_key))
    storeKeys++
  }
  return { variables: values.length, store_keys: storeKeys }
}

function keysOfChecked(master: Buffer, source: VaultKeySource, meta: VaultMeta, where: string): VaultKeys {
  const fernet = deriveSubkey(master, 'fernet')
  if (meta.vault_check === null || !opens(fernet, meta.vault_check)) {
    throw new Corrupt(
      `The vault key from ${source === 'keychain' || source === 'generated' ? 'the OS keychain' : source} does not open the secrets in ${where}. ` +
        'Stopping so that nothing is re-encrypted with the wrong key: use the key this store was created with.'
    )
  }
  return keysOf(master, source, meta)
}

async function findKeys(home: Required<VaultOptions>, meta: VaultMeta, ops: StoreOps): Promise<VaultKeys> {
  const { master, source } = await findMaster(home, meta, ops)
  return keysOfChecked(master, source, meta, home.store.location.where)
}

/** The master key from the environment, else the keychain item the store names (made for an empty store). */
async function findMaster(
  { keychain, env, store }: Required<VaultOptions>,
  meta: VaultMeta,
  ops: StoreOps
): Promise<{ master: Buffer; source: VaultKeySource }> {
  const fromEnv = vaultKeyFromEnv(env)
  if (fromEnv) return { master: fromEnv.key, source: fromEnv.source }
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
  if (stored !== null) return { master: decodeVaultKey(stored), source: 'keychain' }
  if (await ops.holdsSecrets()) {
    throw new Corrupt(
      `The OS keychain has no vault key for ${store.location.where}, which holds secrets sealed with one. ` +
        'Refusing to create a new key that would make them unreadable: run flowkeys recover with the recovery key, restore a backup, or set FLOWKEYS_SECRET_KEY to the key.'
    )
  }
  const master = generateVaultKey()
  await keychain.set(account, encodeVaultKey(master))
  return { master, source: 'generated' }
}

/** Whether `master` is the key that sealed this store's check. */
export function masterOpens(master: Buffer, meta: Pick<VaultMeta, 'vault_check'>): boolean {
  return meta.vault_check !== null && opens(deriveSubkey(master, 'fernet'), meta.vault_check)
}

function opens(fernet: Buffer, check: string): boolean {
  try {
    return decryptFernet(fernet, check).toString('utf8') === CHECK_TEXT
  } catch {
    return false
  }
}
