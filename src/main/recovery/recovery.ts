import { existsSync } from 'node:fs'
import { Conflict, Corrupt, NotFound, Unavailable } from '../base/errors'
import type { Core } from '../core/open'
import { writeFileAtomic } from '../store/atomic-file'
import type { Store } from '../store/backend'
import type { Keychain } from '../vault/keychain'
import { newRecoveryKey, openWithRecovery, parseRecoveryKey, recoveryPublicKey } from '../vault/recovery-key'
import { keychainAccount, masterOpens } from '../vault/vault'
import { decodeVaultKey, encodeVaultKey } from '../vault/vault-key'

/**
 * Makes the store's recovery key (replacing any earlier one, which stops working) and answers its text, to be
 * shown once. The store keeps only the vault key sealed to the recovery key's public half.
 */
export async function makeRecoveryKey(core: Pick<Core, 'store' | 'vault'>): Promise<string> {
  const { text, secret } = newRecoveryKey()
  const recipient = recoveryPublicKey(secret)
  await core.vault.writing(() =>
    core.store.transaction(async (tx) => {
      await core.vault.assertCurrent(tx)
      const meta = await tx.vaultMeta()
      await tx.setVaultMeta({ ...meta, vault_recovery: core.vault.sealForRecovery(recipient) })
    })
  )
  return text
}

/** Whether the store has a recovery key (the app offers one at first start until it does). */
export async function hasRecoveryKey(store: Pick<Store, 'vaultMeta'>): Promise<boolean> {
  return (await store.vaultMeta()).vault_recovery !== null
}

export interface RecoverOptions {
  store: Store
  keychain: Keychain
  /** Write the key to this new file (0600) instead of the keychain: for a team store's servers. */
  keyFile?: string
}

/**
 * Opens the store's vault key with a typed recovery key and puts it back: in the OS keychain, or in `keyFile`.
 * Answers where it went ('already' when the keychain held it).
 */
export async function recoverVaultKey(
  typed: string,
  options: RecoverOptions
): Promise<'keychain' | 'file' | 'already'> {
  const secret = parseRecoveryKey(typed)
  const meta = await options.store.vaultMeta()
  if (!meta.vault_id || !meta.vault_check)
    throw new NotFound(`${options.store.location.where} holds no vault yet.`)
  if (!meta.vault_recovery) {
    throw new NotFound(
      `${options.store.location.where} has no recovery key (none was made): restore a backup, or set FLOWKEYS_SECRET_KEY to the vault key.`
    )
  }
  const master = openWithRecovery(secret, meta.vault_recovery)
  if (!masterOpens(master, meta)) {
    throw new Corrupt(
      'The recovery key opened a vault key that does not open this store; nothing was changed.'
    )
  }
  if (options.keyFile) {
    if (existsSync(options.keyFile))
      throw new Conflict(`${options.keyFile} already exists; it was left as it is.`)
    writeFileAtomic(options.keyFile, `${encodeVaultKey(master)}\n`, 0o600)
    return 'file'
  }
  if (options.store.location.kind === 'postgres') {
    throw new Unavailable('A team store takes its key from the environment: give --key-file FILE.')
  }
  const account = keychainAccount(meta.vault_id)
  if (sameKey(await options.keychain.get(account), master)) return 'already'
  await options.keychain.set(account, encodeVaultKey(master))
  return 'keychain'
}

/** Whether the keychain item holds `master` (a damaged item does not: recovery replaces it). */
function sameKey(held: string | null, master: Buffer): boolean {
  try {
    return held !== null && decodeVaultKey(held).equals(master)
  } catch {
    return false
  }
}
