import { randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { STORE_FILE, Store } from '../../src/main/store/store'
import { Vault } from '../../src/main/vault/vault'
import { VariableService } from '../../src/main/variables/service'
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
  await store.update((data) => {
    data.users.push(
      newUserRecord({ id, username, password_hash: 'unused', is_active: true, is_superuser: false }, now)
    )
  })
  return id
}

export interface Fixture {
  dir: string
  store: Store
  vault: Vault
  service: VariableService
  alice: string
  bob: string
  /** Writes made by this process since the fixture was made. */
  writes: () => number
}

/** A real store in a fresh folder, a vault without the keychain (fast), and two users. */
export async function fixture(vault = Vault.fromMasterKey(randomBytes(32), 'generated')): Promise<Fixture> {
  const dir = freshDir()
  const store = Store.open(dir)
  const alice = await addUser(store, 'alice')
  const bob = await addUser(store, 'bob')
  let writes = 0
  store.onWrite(() => writes++)
  return { dir, store, vault, service: new VariableService(store, vault), alice, bob, writes: () => writes }
}

export function storeBytes(dir: string): Buffer {
  return readFileSync(join(dir, STORE_FILE))
}
