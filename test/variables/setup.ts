import { randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { STORE_FILE } from '../../src/main/store/data-file'
import type { Store } from '../../src/main/store/backend'
import { Vault } from '../../src/main/vault/vault'
import { VariableService } from '../../src/main/variables/service'
import { testStore } from '../helpers/core'
import { writeCounter } from '../helpers/store-writes'
import { tempDir } from '../helpers/tmp'
import { newUserRecord } from '../../src/main/users/record'

const root = tempDir('flowkeys-variables-')
let count = 0

export function freshDir(): string {
  return join(root, `d${count++}`)
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
