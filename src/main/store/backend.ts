import type { ApiKeyRecord, StoreData, UserRecord, VariableRecord } from './schema'

/** What the vault keeps in the store: the name of its keychain item and a token that proves the key in use. */
export interface VaultMeta {
  vault_id: string | null
  vault_check: string | null
  /** The API-key hashing key sealed by the vault key; null until the first rotation (derived from the vault key). */
  vault_hmac: string | null
  /** The vault key sealed to the recovery key's public half; null when no recovery key was made. */
  vault_recovery: string | null
}

/** A key found by its HMAC, with its user (active or not: the caller decides). */
export interface KeyOwner {
  key: ApiKeyRecord
  user: UserRecord
}

/** Uses of one key counted since the last flush. */
export interface UsageCount {
  uses: number
  /** ISO time of the latest use counted. */
  lastUsedAt: string
}

export interface UserPage {
  skip?: number
  limit?: number
  /** Usernames containing it, any case. */
  search?: string
}

/**
 * The store's operations, one at a time or inside a transaction. Records returned are read-only (the file store
 * hands out its own objects): to change one, save a modified copy. Writes enforce the data's rules and throw
 * `UniqueViolation` or `MissingUser` (store/errors.ts), which the services turn into Langflow's answers.
 */
export interface StoreOps {
  vaultMeta(): Promise<VaultMeta>
  setVaultMeta(meta: VaultMeta): Promise<void>
  /** Whether any secret is stored (an API key, a variable, a store key, a vault check). */
  holdsSecrets(): Promise<boolean>

  userById(id: string): Promise<UserRecord | undefined>
  userByUsername(username: string): Promise<UserRecord | undefined>
  /** Users in creation order; `total` counts every match, not only the page. */
  listUsers(page?: UserPage): Promise<{ total: number; users: UserRecord[] }>
  /** Throws UniqueViolation('username'). */
  insertUser(user: UserRecord): Promise<void>
  /** Replaces the user with that id; false when there is none. Throws UniqueViolation('username'). */
  saveUser(user: UserRecord): Promise<boolean>
  /** Deletes the user with its API keys and variables; false when there is none. */
  deleteUser(id: string): Promise<boolean>

  /** The hot path of every key-server request: an indexed lookup by HMAC. */
  keyByHash(hash: string): Promise<KeyOwner | null>
  keyById(id: string): Promise<ApiKeyRecord | undefined>
  /** A user's keys, or every key for `null`, in creation order. */
  keysOf(userId: string | null): Promise<ApiKeyRecord[]>
  /** Throws MissingUser, UniqueViolation('key_hash'). */
  insertKey(key: ApiKeyRecord): Promise<void>
  /** Deletes the keys that exist; returns their ids. */
  deleteKeys(ids: readonly string[]): Promise<string[]>
  /** Gives the key a new name, in place (its place in creation order kept); false when there is none. */
  renameKey(id: string, name: string | null): Promise<boolean>
  /** Adds counted uses to the keys that still exist, without losing another server's counts. */
  addUsage(counts: ReadonlyMap<string, UsageCount>): Promise<void>

  /** A user's variables, in creation order. */
  variablesOf(userId: string): Promise<VariableRecord[]>
  variableById(userId: string, id: string): Promise<VariableRecord | undefined>
  variableByName(userId: string, name: string): Promise<VariableRecord | undefined>
  /** Throws MissingUser, UniqueViolation('variable_name') (one name per user). */
  insertVariables(records: readonly VariableRecord[]): Promise<void>
  /** Replaces each variable with the same id (those that no longer exist are skipped). Throws UniqueViolation. */
  saveVariables(records: readonly VariableRecord[]): Promise<void>
  /** Deletes the variables that exist; returns their ids. */
  deleteVariables(ids: readonly string[]): Promise<string[]>

  /** Everything, for a copy to another store or a backup. */
  exportAll(): Promise<StoreData>
  /** Replaces everything with `data` (users, keys, variables, vault meta). */
  replaceAll(data: StoreData): Promise<void>
}

/** Where a store lives, for people: a file path, or a database's host and name (never a password). */
export interface StoreLocation {
  kind: 'file' | 'postgres'
  /** `/home/me/.config/FlowKeys/flowkeys.json` or `db.example.com:5432/flowkeys`. */
  where: string
}

export interface StoreWatchOptions {
  /** Changes closer together than this are told once (an atomic write is several file events). */
  debounceMs?: number
  /** Where a watch that stops working says so. */
  warn?: (message: string) => void
}

/** How long the store watchers wait for a burst of changes to end. */
export const STORE_WATCH_DEBOUNCE_MS = 100

/** The JSON file store and the PostgreSQL store (`FLOWKEYS_DATABASE_URL`): one interface, all asynchronous. */
export interface Store extends StoreOps {
  readonly location: StoreLocation
  /**
   * Runs `fn` as one transaction: all of its writes or none, and no other writer (in any process or on any
   * server) in between, so its reads can decide its writes. If `fn` throws, nothing is written. Keep it short:
   * other writers wait. It may wait on the keychain (the vault's first start), nothing slower.
   */
  transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T>
  /** Answers when the store can be read (the health check). */
  check(): Promise<void>
  /**
   * Calls `changed` (debounced) when another process, or on PostgreSQL another server, wrote the store; never for
   * this instance's own writes. Returns a function that stops watching.
   */
  watchOthers(changed: () => void, options?: StoreWatchOptions): () => void
  /** How long the last write took, in ms (the usage counter spaces its flushes by it). */
  readonly lastWriteMs: number
  close(): Promise<void>
}

/** The name of a StoreOps operation. */
export type StoreMethod = {
  [K in keyof StoreOps]: StoreOps[K] extends (...args: never[]) => Promise<unknown> ? K : never
}[keyof StoreOps]

/** Operation `name` of `ops`, called later with its arguments (to delegate one operation to another object). */
export function delegate<K extends StoreMethod>(ops: () => StoreOps, name: K): StoreOps[K] {
  return ((...args: never[]) => (ops()[name] as (...a: never[]) => Promise<unknown>)(...args)) as StoreOps[K]
}

/** Operation `name` as a write of its own: the store runs it in a transaction (all of its rows or none). */
export function ownTransaction<K extends StoreMethod>(
  store: Pick<Store, 'transaction'>,
  name: K
): StoreOps[K] {
  return ((...args: never[]) =>
    store.transaction((tx) => (tx[name] as (...a: never[]) => Promise<unknown>)(...args))) as StoreOps[K]
}
