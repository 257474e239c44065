import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Conflict, Corrupt, Unavailable } from '../../src/main/base/errors'
import { ApiKeyService } from '../../src/main/keys/service'
import { makeRecoveryKey } from '../../src/main/recovery/recovery'
import { STORE_FILE } from '../../src/main/store/data-file'
import { JsonStore } from '../../src/main/store/json-store'
import type { StoreData } from '../../src/main/store/schema'
import { newUserRecord } from '../../src/main/users/record'
import { UserService } from '../../src/main/users/service'
import { VariableService } from '../../src/main/variables/service'
import { InvalidToken } from '../../src/main/vault/fernet'
import { openWithRecovery, parseRecoveryKey, recipientOf } from '../../src/main/vault/recovery-key'
import { Vault, keychainAccount, masterOpens } from '../../src/main/vault/vault'
import { decodeVaultKey, encodeVaultKey } from '../../src/main/vault/vault-key'
import { testKeychain } from '../helpers/keychain'
import { caught } from '../helpers/errors'
import { tempDir } from '../helpers/tmp'

const root = tempDir('flowkeys-rotation-')
let n = 0
const freshDir = (): string => join(root, `r${n++}`)

const keychain = testKeychain('rotation')

const VALUES = {
  OPENAI_API_KEY: `sk-openai-${randomBytes(12).toString('hex')}`,
  ANTHROPIC_API_KEY: `sk-ant-${randomBytes(12).toString('hex')}`,
  NOTE: 'généric välue ✓ with spaces'
}
const STORE_KEY = `store-${randomBytes(12).toString('hex')}`

interface Home {
  dir: string
  store: JsonStore
  vault: Vault
  alice: string
  bob: string
  apiKey: string
  recoveryKey: string | null
}

/** A store with two users, variables for both, alice's store key and API key; its vault key in the keychain. */
async function home(
  options: { env?: NodeJS.ProcessEnv; recovery?: boolean } = {},
  dir = freshDir()
): Promise<Home> {
  const store = JsonStore.open(dir)
  const vault = await Vault.open({ store, keychain, env: options.env ?? {} })
  const [alice, bob] = ['alice', 'bob'].map((username) =>
    newUserRecord({ username, password_hash: 'unused', is_active: true, is_superuser: false })
  ) as [ReturnType<typeof newUserRecord>, ReturnType<typeof newUserRecord>]
  await store.insertUser(alice)
  await store.insertUser(bob)
  const variables = new VariableService(store, vault)
  await variables.create(alice.id, { name: 'OPENAI_API_KEY', value: VALUES.OPENAI_API_KEY })
  await variables.create(alice.id, { name: 'NOTE', value: VALUES.NOTE, type: 'Generic' })
  await variables.create(bob.id, { name: 'ANTHROPIC_API_KEY', value: VALUES.ANTHROPIC_API_KEY })
  await new UserService(store, vault, { newUserIsActive: false }).setStoreApiKey(alice.id, STORE_KEY)
  const keys = new ApiKeyService(store, vault, { trackUsage: false })
  const { api_key: apiKey } = await keys.create({ id: alice.id, is_superuser: false }, { name: 'ci' })
  await keys.close()
  const recoveryKey = options.recovery === false ? null : await makeRecoveryKey({ store, vault })
  return { dir, store, vault, alice: alice.id, bob: bob.id, apiKey, recoveryKey }
}

const data = (h: Home): StoreData => JSON.parse(readFileSync(join(h.dir, STORE_FILE), 'utf8')) as StoreData
const storeBytes = (h: Home): Buffer => readFileSync(join(h.dir, STORE_FILE))

/** Every sealed value of the store: variables and users' store keys. */
function sealedValues(d: StoreData): string[] {
  return [
    ...d.variables.map((v) => v.value),
    ...d.users.flatMap((u) => (u.store_api_key ? [u.store_api_key] : []))
  ]
}

/** The plaintexts of the store's sealed values, by a vault over `master` alone. */
function opened(d: StoreData, master: Buffer): Record<string, string> {
  const vault = Vault.fromMasterKey(master, 'generated')
  return Object.fromEntries([
    ...d.variables.map((v) => [`${v.user_id}:${v.name}`, vault.decrypt(v.value)]),
    ...d.users.flatMap((u) => (u.store_api_key ? [[`${u.id}:store`, vault.decrypt(u.store_api_key)]] : []))
  ])
}

/** A vault opened anew on the store (another process, or the next start). */
async function reopen(h: Home, env: NodeJS.ProcessEnv = {}): Promise<{ store: JsonStore; vault: Vault }> {
  const store = JsonStore.open(h.dir)
  return { store, vault: await Vault.open({ store, keychain, env }) }
}

/** What `promise` rejected with (test/helpers/errors.ts). */
const failure = (promise: Promise<unknown>): Promise<Error> => caught(() => promise)

describe('Vault.rotate', () => {
  it('re-seals every value under a new key and vault id, keeps API keys valid, changes the token key', async () => {
    const h = await home()
    const before = data(h)
    const oldMaster = h.vault.exportMasterKey()
    const oldTokenKey = Buffer.from(h.vault.tokenKey)
    const plaintexts = opened(before, oldMaster)
    expect(Object.values(plaintexts).sort()).toEqual([...Object.values(VALUES), STORE_KEY].sort())

    expect(await h.vault.rotate()).toEqual({ variables: 3, store_keys: 1 })

    const after = data(h)
    const newMaster = h.vault.exportMasterKey()
    expect(newMaster.equals(oldMaster)).toBe(false)
    expect(after.vault_id).not.toBe(before.vault_id)
    expect(h.vault.id).toBe(after.vault_id)
    expect(after.vault_check).not.toBe(before.vault_check)
    expect(masterOpens(newMaster, after)).toBe(true)
    expect(masterOpens(oldMaster, after)).toBe(false)
    // The keychain: the new key under the new id, the old item gone.
    expect(decodeVaultKey((await keychain.get(keychainAccount(after.vault_id!)))!)).toEqual(newMaster)
    expect(await keychain.get(keychainAccount(before.vault_id!))).toBeNull()
    expect(h.vault.source).toBe('keychain')

    // Every value sealed anew: the new key opens it to the same plaintext, the old one no longer does.
    expect(opened(after, newMaster)).toEqual(plaintexts)
    const oldVault = Vault.fromMasterKey(oldMaster, 'generated')
    const previous = new Set(sealedValues(before))
    for (const token of sealedValues(after)) {
      expect(previous.has(token)).toBe(false)
      expect(() => oldVault.decrypt(token)).toThrow(InvalidToken)
    }
    // Nothing else changed.
    expect(after.users.map((u) => ({ ...u, store_api_key: null }))).toEqual(
      before.users.map((u) => ({ ...u, store_api_key: null }))
    )
    expect(after.api_keys).toEqual(before.api_keys)
    expect(after.variables.map((v) => ({ ...v, value: '' }))).toEqual(
      before.variables.map((v) => ({ ...v, value: '' }))
    )

    // API keys keep their hashes: the hashing key went along, sealed by the new key.
    expect(before.vault_hmac).toBeNull()
    expect(after.vault_hmac).not.toBeNull()
    expect(h.vault.hashApiKey(h.apiKey)).toBe(before.api_keys[0]!.hash)
    expect(Vault.fromMasterKey(newMaster, 'generated').hashApiKey(h.apiKey)).not.toBe(
      before.api_keys[0]!.hash
    )
    const fresh = await reopen(h)
    expect(fresh.vault.source).toBe('keychain')
    const keys = new ApiKeyService(fresh.store, fresh.vault, { trackUsage: false })
    expect((await keys.verify(h.apiKey))?.user.id).toBe(h.alice)
    await keys.close()
    expect((await new VariableService(fresh.store, fresh.vault).get(h.bob, 'ANTHROPIC_API_KEY')).value).toBe(
      VALUES.ANTHROPIC_API_KEY
    )

    // Access tokens signed before no longer verify: the signing key is another.
    expect(Buffer.from(h.vault.tokenKey).equals(oldTokenKey)).toBe(false)
    expect(Buffer.from(fresh.vault.tokenKey)).toEqual(Buffer.from(h.vault.tokenKey))

    // The recovery envelope: sealed again, to the same recovery key, holding the new key.
    expect(after.vault_recovery).not.toBe(before.vault_recovery)
    expect(recipientOf(after.vault_recovery!)).toEqual(recipientOf(before.vault_recovery!))
    expect(openWithRecovery(parseRecoveryKey(h.recoveryKey!), after.vault_recovery!)).toEqual(newMaster)

    // The new key is in no file of the store.
    const text = readFileSync(join(h.dir, STORE_FILE), 'utf8')
    expect(text).not.toContain(encodeVaultKey(newMaster))
    expect(text).not.toContain(newMaster.toString('base64'))
  })

  it('a second rotation carries the hashing key over again, and the recovery key follows', async () => {
    const h = await home()
    const hash = data(h).api_keys[0]!.hash
    await h.vault.rotate()
    const middle = data(h)
    await h.vault.rotate()
    const after = data(h)
    expect(after.vault_hmac).not.toBe(middle.vault_hmac)
    const fresh = await reopen(h)
    expect(fresh.vault.hashApiKey(h.apiKey)).toBe(hash)
    expect((await fresh.store.keyByHash(hash))?.user.id).toBe(h.alice)
    expect(opened(after, fresh.vault.exportMasterKey())[`${h.alice}:store`]).toBe(STORE_KEY)
    expect(openWithRecovery(parseRecoveryKey(h.recoveryKey!), after.vault_recovery!)).toEqual(
      fresh.vault.exportMasterKey()
    )
    expect(await keychain.get(keychainAccount(middle.vault_id!))).toBeNull()
  })

  it('leaves a store without a recovery key without one', async () => {
    const h = await home({ recovery: false })
    await h.vault.rotate()
    expect(data(h).vault_recovery).toBeNull()
  })

  it('stopped before the store changes, leaves a store that opens with the old key', async () => {
    const h = await home()
    const before = storeBytes(h)
    const id = data(h).vault_id!
    const error = await failure(
      h.vault.rotate({
        step: (name) => {
          if (name === 'prepared') throw new Error('crash before the commit')
        }
      })
    )
    expect(error.message).toBe('crash before the commit')
    expect(storeBytes(h)).toEqual(before)
    expect(h.vault.id).toBe(id)
    const fresh = await reopen(h)
    expect(fresh.vault.id).toBe(id)
    expect((await new VariableService(fresh.store, fresh.vault).get(h.alice, 'NOTE')).value).toBe(VALUES.NOTE)
  })

  it('stopped after the commit, before the old item is removed, leaves a store that opens with the new key', async () => {
    const h = await home()
    const oldId = data(h).vault_id!
    await failure(
      h.vault.rotate({
        step: (name) => {
          if (name === 'committed') throw new Error('crash after the commit')
        }
      })
    )
    const after = data(h)
    expect(after.vault_id).not.toBe(oldId)
    // Both items are there; the store names the new one.
    expect(await keychain.get(keychainAccount(oldId))).not.toBeNull()
    const fresh = await reopen(h)
    expect(fresh.vault.id).toBe(after.vault_id)
    expect(opened(after, fresh.vault.exportMasterKey())[`${h.alice}:OPENAI_API_KEY`]).toBe(
      VALUES.OPENAI_API_KEY
    )
  })

  it('seals outside values with the new key before the store changes, then reports the commit', async () => {
    const h = await home()
    const oldId = data(h).vault_id
    const events: string[] = []
    let sealed = ''
    await h.vault.rotate({
      beforeCommit: (seal) => {
        events.push(`before:${data(h).vault_id === oldId ? 'old' : 'new'}`)
        sealed = seal('upstream-api-key')
      },
      afterCommit: () => void events.push(`after:${data(h).vault_id === oldId ? 'old' : 'new'}`),
      step: (name) => void events.push(name)
    })
    expect(events).toEqual(['key-saved', 'before:old', 'prepared', 'committed', 'after:new', 'done'])
    expect(h.vault.decrypt(sealed)).toBe('upstream-api-key')
  })

  it('with the key from the environment, needs the new key given, and leaves the keychain alone', async () => {
    const oldKey = randomBytes(32)
    const h = await home({ env: { FLOWKEYS_SECRET_KEY: oldKey.toString('base64url') } })
    expect(h.vault.source).toBe('FLOWKEYS_SECRET_KEY')
    const before = storeBytes(h)
    const refused = await failure(h.vault.rotate())
    expect(refused).toBeInstanceOf(Unavailable)
    expect(refused.message).toMatch(/comes from FLOWKEYS_SECRET_KEY: give the new key/)
    expect(storeBytes(h)).toEqual(before)

    const newKey = randomBytes(32)
    expect(await h.vault.rotate({ master: newKey })).toEqual({ variables: 3, store_keys: 1 })
    const after = data(h)
    expect(h.vault.source).toBe('FLOWKEYS_SECRET_KEY')
    expect(h.vault.exportMasterKey()).toEqual(newKey)
    expect(await keychain.get(keychainAccount(after.vault_id!))).toBeNull()
    const fresh = await reopen(h, { FLOWKEYS_SECRET_KEY: newKey.toString('base64url') })
    expect((await new VariableService(fresh.store, fresh.vault).get(h.alice, 'OPENAI_API_KEY')).value).toBe(
      VALUES.OPENAI_API_KEY
    )
    expect(fresh.vault.hashApiKey(h.apiKey)).toBe(after.api_keys[0]!.hash)
    const stale = await failure(reopen(h, { FLOWKEYS_SECRET_KEY: oldKey.toString('base64url') }))
    expect(stale).toBeInstanceOf(Corrupt)
  })

  it('is refused for a vault tied to no store', async () => {
    const vault = Vault.fromMasterKey(randomBytes(32), 'generated')
    expect(await failure(vault.rotate())).toBeInstanceOf(Unavailable)
  })
})

describe('another Vault on the same store, after a rotation', () => {
  it('refresh loads the new key (once), and answers false when nothing changed', async () => {
    const h = await home()
    const other = await reopen(h)
    expect(await other.vault.refresh()).toBe(false)
    const oldId = other.vault.id
    await h.vault.rotate()
    expect(other.vault.id).toBe(oldId)
    const [first, second] = await Promise.all([other.vault.refresh(), other.vault.refresh()])
    expect([first, second]).toEqual([true, true])
    expect(other.vault.id).toBe(h.vault.id)
    expect(other.vault.exportMasterKey()).toEqual(h.vault.exportMasterKey())
    expect(Buffer.from(other.vault.tokenKey)).toEqual(Buffer.from(h.vault.tokenKey))
    expect(other.vault.decrypt(h.vault.encrypt('x'))).toBe('x')
    expect(other.vault.hashApiKey(h.apiKey)).toBe(h.vault.hashApiKey(h.apiKey))
    expect(await other.vault.refresh()).toBe(false)
  })

  it('reading: a value that no longer opens loads the new key and is read again', async () => {
    const h = await home()
    const other = await reopen(h)
    await h.vault.rotate()
    const variables = new VariableService(other.store, other.vault)
    expect((await variables.get(h.bob, 'ANTHROPIC_API_KEY')).value).toBe(VALUES.ANTHROPIC_API_KEY)
    expect(other.vault.id).toBe(h.vault.id)
    // A read that fails for another reason is not retried into success.
    let calls = 0
    const error = await failure(
      other.vault.reading(() => {
        calls++
        return other.vault.decrypt(Vault.fromMasterKey(randomBytes(32), 'generated').encrypt('x'))
      })
    )
    expect(error).toBeInstanceOf(InvalidToken)
    expect(calls).toBe(1)
  })

  it('writing: a write by the stale vault is done again with the new key; no value is sealed with the retired one', async () => {
    const h = await home()
    const other = await reopen(h)
    const retired = other.vault.exportMasterKey()
    await h.vault.rotate()
    const current = h.vault.exportMasterKey()

    const made = await new VariableService(other.store, other.vault).create(h.bob, {
      name: 'LATE',
      value: 'written by a stale process'
    })
    expect(made.name).toBe('LATE')
    await new UserService(other.store, other.vault, { newUserIsActive: false }).setStoreApiKey(
      h.bob,
      'bob-store-key'
    )
    expect(other.vault.id).toBe(h.vault.id)

    const after = data(h)
    expect(after.variables.filter((v) => v.name === 'LATE')).toHaveLength(1)
    const values = opened(after, current)
    expect(values[`${h.bob}:LATE`]).toBe('written by a stale process')
    expect(values[`${h.bob}:store`]).toBe('bob-store-key')
    const old = Vault.fromMasterKey(retired, 'generated')
    for (const token of sealedValues(after)) expect(() => old.decrypt(token)).toThrow(InvalidToken)
  })

  it('assertCurrent refuses a stale vault inside a transaction, which then writes nothing', async () => {
    const h = await home()
    const other = await reopen(h)
    await h.vault.rotate()
    const before = storeBytes(h)
    const error = await failure(
      other.store.transaction(async (tx) => {
        await other.vault.assertCurrent(tx)
        await tx.setVaultMeta({ ...(await tx.vaultMeta()), vault_recovery: null })
      })
    )
    expect(error).toBeInstanceOf(Conflict)
    expect(error.message).toBe(
      'The vault key was rotated while this change was being saved; nothing was saved.'
    )
    expect(storeBytes(h)).toEqual(before)
    // Once refreshed, it passes.
    await other.vault.refresh()
    await other.store.transaction((tx) => other.vault.assertCurrent(tx))
  })

  it('a stale vault asked to rotate first loads the current key, then rotates from it', async () => {
    const h = await home()
    const other = await reopen(h)
    const firstId = data(h).vault_id!
    await h.vault.rotate()
    const secondId = data(h).vault_id!
    expect(await other.vault.rotate()).toEqual({ variables: 3, store_keys: 1 })
    const after = data(h)
    expect(new Set([firstId, secondId, after.vault_id]).size).toBe(3)
    expect(await keychain.get(keychainAccount(firstId))).toBeNull()
    expect(await keychain.get(keychainAccount(secondId))).toBeNull()
    expect(opened(after, other.vault.exportMasterKey())[`${h.alice}:store`]).toBe(STORE_KEY)
    expect(await h.vault.refresh()).toBe(true)
    expect((await new VariableService(h.store, h.vault).get(h.alice, 'NOTE')).value).toBe(VALUES.NOTE)
  })
})

describe('masterOpens', () => {
  it("is true only for the key that sealed the store's check", async () => {
    const h = await home({ recovery: false })
    const meta = await h.store.vaultMeta()
    expect(masterOpens(h.vault.exportMasterKey(), meta)).toBe(true)
    expect(masterOpens(randomBytes(32), meta)).toBe(false)
    expect(masterOpens(h.vault.exportMasterKey(), { vault_check: null })).toBe(false)
    expect(masterOpens(h.vault.exportMasterKey(), { vault_check: 'not a token' })).toBe(false)
  })
})
