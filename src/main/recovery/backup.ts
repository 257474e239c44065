import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Conflict, Corrupt, Invalid, Unavailable, oneLine } from '../base/errors'
import { SETTINGS_FILE } from '../config/settings'
import type { Core } from '../core/open'
import { writeFileAtomic } from '../store/atomic-file'
import { holdsData } from '../store/copy'
import { ensureDataDir, parseStore } from '../store/data-file'
import { openStore } from '../store/open'
import type { StoreData } from '../store/schema'
import { UPSTREAM_FILE } from '../upstream/upstream-file'
import type { Keychain } from '../vault/keychain'
import { keychainAccount } from '../vault/vault'
import { encodeVaultKey, vaultKeyFromEnv } from '../vault/vault-key'
import { openBackup, sealBackup } from './backup-file'
import { checkPassphrase } from './passphrase'

/** The data directory's files a backup carries besides the store (upstream.json's key stays sealed). */
const DATA_DIR_FILES = [SETTINGS_FILE, UPSTREAM_FILE] as const

interface BackupBody {
  format: 1
  store: StoreData
  files: Partial<Record<(typeof DATA_DIR_FILES)[number], string>>
}

export interface BackupSummary {
  users: number
  api_keys: number
  variables: number
  files: string[]
}

function summaryOf(body: BackupBody): BackupSummary {
  return {
    users: body.store.users.length,
    api_keys: body.store.api_keys.length,
    variables: body.store.variables.length,
    files: Object.keys(body.files)
  }
}

/**
 * Writes an encrypted backup of the store, its vault key and the data directory's settings to `path` (0600,
 * atomic; an existing file only with `force`). The passphrase must pass `checkPassphrase`.
 */
export async function writeBackup(
  core: Pick<Core, 'store' | 'vault' | 'dataDir'>,
  path: string,
  passphrase: string,
  options: { force?: boolean } = {}
): Promise<BackupSummary> {
  checkPassphrase(passphrase)
  if (!options.force && existsSync(path)) {
    throw new Conflict(`${path} already exists; it was left as it is (replace it with --force).`)
  }
  // The store and the key must match: a rotation by another process in between is read again.
  await core.vault.refresh()
  let store = await core.store.exportAll()
  if (store.vault_id !== core.vault.id) {
    await core.vault.refresh()
    store = await core.store.exportAll()
  }
  const files: BackupBody['files'] = {}
  for (const name of DATA_DIR_FILES) {
    const file = join(core.dataDir, name)
    if (existsSync(file)) files[name] = readFileSync(file, 'utf8')
  }
  const body: BackupBody = { format: 1, store, files }
  const bytes = await sealBackup(
    passphrase,
    core.vault.exportMasterKey(),
    Buffer.from(JSON.stringify(body), 'utf8')
  )
  writeFileAtomic(path, bytes, 0o600)
  return summaryOf(body)
}

export interface RestoreOptions {
  dataDir: string
  /** A PostgreSQL store to restore into; its servers take the key from FLOWKEYS_SECRET_KEY(_FILE). */
  databaseUrl?: string
  env: NodeJS.ProcessEnv
  keychain: Keychain
  /** Replace a store (and settings) that already hold data. */
  force?: boolean
}

export interface RestoreSummary extends BackupSummary {
  createdAt: string
  store: string
  /** Where the vault key went: the OS keychain, or nowhere (the environment already holds it). */
  key: 'keychain' | 'environment'
}

function parseBody(name: string, bytes: Buffer): BackupBody {
  let raw: { format?: unknown; store?: unknown; files?: unknown }
  try {
    raw = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new Corrupt(`${name} opened but holds no FlowKeys data; nothing was restored.`)
  }
  if (raw.format !== 1) {
    throw new Corrupt(
      `${name} was written by a newer FlowKeys (format ${String(raw.format)}); nothing was restored.`
    )
  }
  if (raw.store === null || typeof raw.store !== 'object') {
    throw new Corrupt(`${name} opened but holds no store; nothing was restored.`)
  }
  // The store goes through the same checks and migrations as a store file read from disk.
  const { data } = parseStore(name, JSON.stringify(raw.store))
  const files: BackupBody['files'] = {}
  const given = (raw.files ?? {}) as Record<string, unknown>
  for (const file of DATA_DIR_FILES) if (typeof given[file] === 'string') files[file] = given[file] as string
  return { format: 1, store: data, files }
}

/**
 * Restores a backup into an empty data directory (or store): users, keys (their hashes keep verifying),
 * variables and settings; the vault key goes into this machine's keychain. Everything is checked before the
 * first write: a wrong passphrase or a damaged file writes nothing.
 */
export async function restoreBackup(
  name: string,
  bytes: Buffer,
  passphrase: string,
  options: RestoreOptions
): Promise<RestoreSummary> {
  const opened = await openBackup(name, bytes, passphrase)
  const body = parseBody(name, opened.body)
  const vaultId = body.store.vault_id
  if (!vaultId || !body.store.vault_check) throw new Corrupt(`${name} holds no vault; nothing was restored.`)
  const fromEnv = vaultKeyFromEnv(options.env)
  if (fromEnv && !fromEnv.key.equals(opened.vaultKey)) {
    throw new Invalid(
      `${fromEnv.source} holds another vault key than the backup's; nothing was restored. Unset it to restore into the OS keychain, or set it to the backup's key.`
    )
  }
  if (options.databaseUrl && !fromEnv) {
    throw new Unavailable(
      "A team store's servers read the vault key from FLOWKEYS_SECRET_KEY or FLOWKEYS_SECRET_KEY_FILE: set it to the backup's key (restore into a folder first, then read it with flowkeys recover --key-file) and run the restore again."
    )
  }
  if (!options.databaseUrl) ensureDataDir(options.dataDir)
  const store = await openStore(options.dataDir, options.databaseUrl)
  try {
    const present = DATA_DIR_FILES.filter((file) => existsSync(join(options.dataDir, file)))
    if (!options.force && (await holdsData(store))) throw notEmpty(store.location.where)
    if (!options.force && present.length > 0) throw notEmpty(join(options.dataDir, present[0]!))
    if (!fromEnv) await putInKeychain(options.keychain, vaultId, opened.vaultKey)
    await store.transaction(async (tx) => {
      // Checked again under the lock: nothing may have filled the store since.
      if (!options.force && (await holdsData(tx))) throw notEmpty(store.location.where)
      await tx.replaceAll(body.store)
    })
    for (const file of DATA_DIR_FILES) {
      const text = body.files[file]
      const path = join(options.dataDir, file)
      // With --force, a file the backup does not carry goes: an upstream.json would hold a key sealed by the old vault.
      if (text !== undefined) writeFileAtomic(path, text, 0o600)
      else rmSync(path, { force: true })
    }
    return {
      ...summaryOf(body),
      createdAt: opened.createdAt,
      store: store.location.where,
      key: fromEnv ? 'environment' : 'keychain'
    }
  } finally {
    await store.close()
  }
}

function notEmpty(where: string): Conflict {
  return new Conflict(`${where} already holds data; nothing was restored (replace it with --force).`)
}

async function putInKeychain(keychain: Keychain, vaultId: string, key: Buffer): Promise<void> {
  try {
    await keychain.set(keychainAccount(vaultId), encodeVaultKey(key))
  } catch (err) {
    throw new Unavailable(
      `The vault key could not be put in the OS keychain (${oneLine(err)}); nothing was restored.`
    )
  }
}

/** Reads a backup file for restore, one clear line when it cannot be read. */
export function readBackupFile(path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err) {
    throw new Invalid(`Cannot read ${path}: ${oneLine(err)}`)
  }
}
