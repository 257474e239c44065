import {
  delegate,
  ownTransaction,
  type KeyOwner,
  type Store,
  type StoreLocation,
  type StoreOps,
  type StoreWatchOptions,
  type UsageCount,
  type UserPage,
  type VaultMeta
} from './backend'
import { DataFile, type StoreOptions } from './data-file'
import { watchStoreFile } from './file-watch'
import { MissingUser, UniqueViolation } from './errors'
import type { ApiKeyRecord, StoreData, UserRecord, VariableRecord } from './schema'

/** Lookups over one version of the data, built when first needed after it changed. */
class Indexes {
  readonly usersById = new Map<string, UserRecord>()
  readonly usersByName = new Map<string, UserRecord>()
  readonly keysByHash = new Map<string, ApiKeyRecord>()
  readonly keysById = new Map<string, ApiKeyRecord>()
  readonly variablesByUser = new Map<string, VariableRecord[]>()

  constructor(data: StoreData) {
    for (const u of data.users) {
      this.usersById.set(u.id, u)
      this.usersByName.set(u.username, u)
    }
    for (const k of data.api_keys) {
      this.keysByHash.set(k.hash, k)
      this.keysById.set(k.id, k)
    }
    for (const v of data.variables) {
      const list = this.variablesByUser.get(v.user_id)
      if (list) list.push(v)
      else this.variablesByUser.set(v.user_id, [v])
    }
  }
}

const NO_VARIABLES: readonly VariableRecord[] = Object.freeze([])

/**
 * The store's operations over the data in memory. Reads use the indexes; writes change the data in place and
 * drop the indexes (the file store writes the whole data at the end of the transaction).
 */
class MemoryOps implements StoreOps {
  private indexes: Indexes | null = null
  /** Counts the changes made: a transaction that made none writes no file. */
  changes = 0

  constructor(private data: StoreData) {}

  /** Points at a new version of the data (re-read from the file, or written). */
  use(data: StoreData): void {
    if (data === this.data && this.indexes) return
    this.data = data
    this.indexes = null
  }

  private get index(): Indexes {
    return (this.indexes ??= new Indexes(this.data))
  }

  private changed(): void {
    this.indexes = null
    this.changes++
  }

  async vaultMeta(): Promise<VaultMeta> {
    const { vault_id, vault_check, vault_hmac, vault_recovery } = this.data
    return { vault_id, vault_check, vault_hmac, vault_recovery }
  }

  async setVaultMeta(meta: VaultMeta): Promise<void> {
    this.data.vault_id = meta.vault_id
    this.data.vault_check = meta.vault_check
    this.data.vault_hmac = meta.vault_hmac
    this.data.vault_recovery = meta.vault_recovery
    this.changed()
  }

  async holdsSecrets(): Promise<boolean> {
    const d = this.data
    return (
      d.vault_check !== null ||
      d.api_keys.length > 0 ||
      d.variables.length > 0 ||
      d.users.some((u) => u.store_api_key !== null)
    )
  }

  async userById(id: string): Promise<UserRecord | undefined> {
    return this.index.usersById.get(id)
  }

  async userByUsername(username: string): Promise<UserRecord | undefined> {
    return this.index.usersByName.get(username)
  }

  async listUsers(page: UserPage = {}): Promise<{ total: number; users: UserRecord[] }> {
    const needle = page.search?.toLowerCase()
    const all = needle
      ? this.data.users.filter((u) => u.username.toLowerCase().includes(needle))
      : this.data.users
    const skip = page.skip ?? 0
    const limit = page.limit ?? all.length
    return { total: all.length, users: all.slice(skip, skip + limit) }
  }

  async insertUser(user: UserRecord): Promise<void> {
    if (this.index.usersByName.has(user.username)) throw new UniqueViolation('username')
    this.data.users.push(user)
    this.changed()
  }

  async saveUser(user: UserRecord): Promise<boolean> {
    const at = this.data.users.findIndex((u) => u.id === user.id)
    if (at === -1) return false
    const named = this.index.usersByName.get(user.username)
    if (named && named.id !== user.id) throw new UniqueViolation('username')
    this.data.users[at] = user
    this.changed()
    return true
  }

  async deleteUser(id: string): Promise<boolean> {
    const at = this.data.users.findIndex((u) => u.id === id)
    if (at === -1) return false
    this.data.users.splice(at, 1)
    this.data.api_keys = this.data.api_keys.filter((k) => k.user_id !== id)
    this.data.variables = this.data.variables.filter((v) => v.user_id !== id)
    this.changed()
    return true
  }

  keyOwner(hash: string): KeyOwner | null {
    const key = this.index.keysByHash.get(hash)
    const user = key && this.index.usersById.get(key.user_id)
    return key && user ? { key, user } : null
  }

  async keyByHash(hash: string): Promise<KeyOwner | null> {
    return this.keyOwner(hash)
  }

  async keyById(id: string): Promise<ApiKeyRecord | undefined> {
    return this.index.keysById.get(id)
  }

  async keysOf(userId: string | null): Promise<ApiKeyRecord[]> {
    return userId === null ? [...this.data.api_keys] : this.data.api_keys.filter((k) => k.user_id === userId)
  }

  async insertKey(key: ApiKeyRecord): Promise<void> {
    if (!this.index.usersById.has(key.user_id)) throw new MissingUser()
    if (this.index.keysByHash.has(key.hash)) throw new UniqueViolation('key_hash')
    this.data.api_keys.push(key)
    this.changed()
  }

  async deleteKeys(ids: readonly string[]): Promise<string[]> {
    const wanted = new Set(ids)
    const deleted = this.data.api_keys.filter((k) => wanted.has(k.id)).map((k) => k.id)
    if (deleted.length === 0) return deleted
    this.data.api_keys = this.data.api_keys.filter((k) => !wanted.has(k.id))
    this.changed()
    return deleted
  }

  async renameKey(id: string, name: string | null): Promise<boolean> {
    const at = this.data.api_keys.findIndex((k) => k.id === id)
    if (at === -1) return false
    this.data.api_keys = this.data.api_keys.with(at, { ...this.data.api_keys[at]!, name })
    this.changed()
    return true
  }

  async addUsage(counts: ReadonlyMap<string, UsageCount>): Promise<void> {
    let counted = 0
    const keys = this.data.api_keys.map((key) => {
      const found = counts.get(key.id)
      if (!found) return key
      counted++
      const later = !key.last_used_at || found.lastUsedAt > key.last_used_at
      return {
        ...key,
        total_uses: key.total_uses + found.uses,
        last_used_at: later ? found.lastUsedAt : key.last_used_at
      }
    })
    if (counted === 0) return
    this.data.api_keys = keys
    this.changed()
  }

  /** The user's variables: shared with the indexes, not to be changed. */
  variablesOfNow(userId: string): readonly VariableRecord[] {
    return this.index.variablesByUser.get(userId) ?? NO_VARIABLES
  }

  async variablesOf(userId: string): Promise<VariableRecord[]> {
    return [...this.variablesOfNow(userId)]
  }

  async variableById(userId: string, id: string): Promise<VariableRecord | undefined> {
    return this.variablesOfNow(userId).find((v) => v.id === id)
  }

  async variableByName(userId: string, name: string): Promise<VariableRecord | undefined> {
    return this.variablesOfNow(userId).find((v) => v.name === name)
  }

  async insertVariables(records: readonly VariableRecord[]): Promise<void> {
    // Each user's names as a set, made once per call: a check per record, whatever the user already holds.
    const taken = new Map<string, Set<string>>()
    for (const r of records) {
      if (!this.index.usersById.has(r.user_id)) throw new MissingUser()
      let names = taken.get(r.user_id)
      if (!names) {
        names = new Set(this.variablesOfNow(r.user_id).map((v) => v.name))
        taken.set(r.user_id, names)
      }
      if (names.has(r.name)) throw new UniqueViolation('variable_name')
      names.add(r.name)
    }
    // One at a time: spreading 100,000s of records as arguments would overflow the stack.
    for (const r of records) this.data.variables.push(r)
    this.changed()
  }

  async saveVariables(records: readonly VariableRecord[]): Promise<void> {
    const byId = new Map(records.map((r) => [r.id, r]))
    let replaced = 0
    const next = this.data.variables.map((v) => {
      const record = byId.get(v.id)
      if (!record) return v
      replaced++
      return record
    })
    if (replaced === 0) return
    const names = new Set<string>()
    for (const v of next) {
      const name = `${v.user_id}\u0000${v.name}`
      if (names.has(name)) throw new UniqueViolation('variable_name')
      names.add(name)
    }
    this.data.variables = next
    this.changed()
  }

  async deleteVariables(ids: readonly string[]): Promise<string[]> {
    const wanted = new Set(ids)
    const deleted = this.data.variables.filter((v) => wanted.has(v.id)).map((v) => v.id)
    if (deleted.length === 0) return deleted
    this.data.variables = this.data.variables.filter((v) => !wanted.has(v.id))
    this.changed()
    return deleted
  }

  async exportAll(): Promise<StoreData> {
    return structuredClone({ ...this.data, write_id: null })
  }

  async replaceAll(data: StoreData): Promise<void> {
    const copy = structuredClone(data)
    this.data.vault_id = copy.vault_id
    this.data.vault_check = copy.vault_check
    this.data.vault_hmac = copy.vault_hmac
    this.data.vault_recovery = copy.vault_recovery
    this.data.users = copy.users
    this.data.api_keys = copy.api_keys
    this.data.variables = copy.variables
    this.changed()
  }
}

/**
 * The JSON file store (the default): the data in one file in the data directory, read strictly and written
 * atomically under a cross-process lock (see data-file.ts). Every write rewrites the file, which is fine for one
 * developer's keys and variables; a team uses PostgreSQL.
 */
export class JsonStore implements Store {
  readonly location: StoreLocation
  private readonly ops: MemoryOps

  private constructor(private readonly file: DataFile) {
    this.location = { kind: 'file', where: file.file }
    this.ops = new MemoryOps(file.read())
  }

  static open(dataDir: string, options: StoreOptions = {}): JsonStore {
    return new JsonStore(DataFile.open(dataDir, options))
  }

  get lastWriteMs(): number {
    return this.file.lastWriteMs
  }

  /** The operations over the current data (re-read first if another process wrote the file). */
  private current(): MemoryOps {
    this.ops.use(this.file.read())
    return this.ops
  }

  async transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> {
    let before = 0
    return this.file.update(
      async (data) => {
        this.ops.use(data)
        before = this.ops.changes
        return fn(this.ops)
      },
      () => this.ops.changes !== before
    )
  }

  vaultMeta = delegate(() => this.current(), 'vaultMeta')
  holdsSecrets = delegate(() => this.current(), 'holdsSecrets')
  userById = delegate(() => this.current(), 'userById')
  userByUsername = delegate(() => this.current(), 'userByUsername')
  listUsers = delegate(() => this.current(), 'listUsers')
  keyById = delegate(() => this.current(), 'keyById')
  keysOf = delegate(() => this.current(), 'keysOf')
  variableById = delegate(() => this.current(), 'variableById')
  variableByName = delegate(() => this.current(), 'variableByName')
  exportAll = delegate(() => this.current(), 'exportAll')

  setVaultMeta = ownTransaction(this, 'setVaultMeta')
  insertUser = ownTransaction(this, 'insertUser')
  saveUser = ownTransaction(this, 'saveUser')
  deleteUser = ownTransaction(this, 'deleteUser')
  insertKey = ownTransaction(this, 'insertKey')
  deleteKeys = ownTransaction(this, 'deleteKeys')
  renameKey = ownTransaction(this, 'renameKey')
  addUsage = ownTransaction(this, 'addUsage')
  insertVariables = ownTransaction(this, 'insertVariables')
  saveVariables = ownTransaction(this, 'saveVariables')
  deleteVariables = ownTransaction(this, 'deleteVariables')
  replaceAll = ownTransaction(this, 'replaceAll')

  /**
   * Answered after a check of the file made after the call (see DataFile.afterCheck): one stat for all the
   * requests that arrived together, and a key revoked by another process is refused from the next request.
   */
  keyByHash(hash: string): Promise<KeyOwner | null> {
    return new Promise((resolve, reject) => {
      this.file.afterCheck(() => {
        try {
          resolve(this.current().keyOwner(hash))
        } catch (err) {
          reject(err)
        }
      })
    })
  }

  /** A listing trusts a check of the file made earlier in this turn (the request's key check made one). */
  async variablesOf(userId: string): Promise<VariableRecord[]> {
    this.ops.use(this.file.readChecked())
    return this.ops.variablesOf(userId)
  }

  async check(): Promise<void> {
    this.file.read()
  }

  watchOthers(changed: () => void, options?: StoreWatchOptions): () => void {
    return watchStoreFile(this.file.file, changed, options)
  }

  async close(): Promise<void> {}
}
