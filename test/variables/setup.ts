import { randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DataFile, STORE_FILE } from '../../src/main/store/data-file'
import type { Store } from '../../src/main/store/backend'
import type { StoreData } from '../../src/main/store/schema'
import { Vault } from '../../src/main/vault/vault'
import { VariableService } from '../../src/main/variables/service'
import { testStore } from '../helpers/core'
import { tempDir } from '../helpers/tmp'
import { newUserRecord } from '../../src/main/users/record'

const root = tempDir('flowkeys-variables-')
let count = 0

export function freshDir(): string {
  return join(root, `d${count++}`)
}

/**
 * Writes of each store file made by this process, by path. Counted where the file store decides to rewrite the
 * file (DataFile.update's `changed` answered yes), since stores no longer report their writes.
 */
const fileWrites = new Map<string, number>()
const update = DataFile.prototype.update
DataFile.prototype.update = function <T>(
  this: DataFile,
  fn: (data: StoreData) => T | Promise<T>,
  changed: () => boolean = () => true
): Promise<T> {
  return update.call(this, fn, () => {
    const writes = changed()
    if (writes) fileWrites.set(this.file, (fileWrites.get(this.file) ?? 0) + 1)
    return writes
  }) as Promise<T>
}

/** A counter of the writes this process makes to the store file in `dir` from now on. */
export function writeCounter(dir: string): () => number {
  const file = join(dir, STORE_FILE)
  const before = fileWrites.get(file) ?? 0
  return () => (fileWrites.get(file) ?? 0) - before
}

/** Adds a user record straight to the store (the users service is not under test here). */
export async function addUser(store: Store, username: string): Promise<string> {
  const id = randomUUID()
  const now = new Date().toISOString()
  await store.insertUser(
    newUserRecord({ id, username, password_hash: 'unused', is_active: true, is_superuser: false }, now)
  )
  return id
}

export interface Fixture {
  dir: string
  store: Store
  vault: Vault
  service: VariableService
  alice: string
  bob: string
  /** Writes made by this process to the store file since the fixture was made (the JSON file only). */
  writes: () => number
}

/** A real store (this project's: the JSON file or PostgreSQL) in a fresh folder, a vault without the keychain (fast), and two users. */
export async function fixture(vault = Vault.fromMasterKey(randomBytes(32), 'generated')): Promise<Fixture> {
  const dir = freshDir()
  const store = await testStore(dir)
  const alice = await addUser(store, 'alice')
  const bob = await addUser(store, 'bob')
  const writes = writeCounter(dir)
  return { dir, store, vault, service: new VariableService(store, vault), alice, bob, writes }
}

export function storeBytes(dir: string): Buffer {
  return readFileSync(join(dir, STORE_FILE))
}
