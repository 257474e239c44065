import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Conflict, Corrupt, Invalid, NotFound } from '../../src/main/base/errors'
import { hasRecoveryKey, makeRecoveryKey, recoverVaultKey } from '../../src/main/recovery/recovery'
import { STORE_FILE } from '../../src/main/store/data-file'
import { JsonStore } from '../../src/main/store/json-store'
import { MIGRATIONS, migrate } from '../../src/main/store/migrations'
import { SCHEMA_VERSION } from '../../src/main/store/schema'
import { newUserRecord } from '../../src/main/users/record'
import { VariableService } from '../../src/main/variables/service'
import {
  newRecoveryKey,
  openWithRecovery,
  parseRecoveryKey,
  recipientOf,
  recoveryPublicKey,
  sealToRecovery
} from '../../src/main/vault/recovery-key'
import { Vault, keychainAccount, masterOpens } from '../../src/main/vault/vault'
import { decodeVaultKey, encodeVaultKey } from '../../src/main/vault/vault-key'
import { testKeychain } from '../helpers/keychain'
import { caught } from '../helpers/errors'
import { tempDir } from '../helpers/tmp'

const root = tempDir('flowkeys-recovery-')
let n = 0
const freshDir = (): string => join(root, `r${n++}`)

const keychain = testKeychain('recovery')

const KEY_SHAPE = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){7}$/

interface Home {
  dir: string
  store: JsonStore
  vault: Vault
  userId: string
  value: string
}

/** A store in a fresh folder, its vault key in the keychain, and one user with one credential. */
async function home(dir = freshDir()): Promise<Home> {
  const store = JsonStore.open(dir)
  const vault = await Vault.open({ store, keychain, env: {} })
  const user = newUserRecord({
    username: 'alice',
    password_hash: 'unused',
    is_active: true,
    is_superuser: false
  })
  await store.insertUser(user)
  const value = `sk-recovery-${randomBytes(16).toString('hex')}`
  await new VariableService(store, vault).create(user.id, { name: 'OPENAI_API_KEY', value })
  return { dir, store, vault, userId: user.id, value }
}

/** The credential read through a vault opened anew on the store (what the next start of the app does). */
async function readBack(h: Home, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const store = JsonStore.open(h.dir)
  const vault = await Vault.open({ store, keychain, env })
  return (await new VariableService(store, vault).get(h.userId, 'OPENAI_API_KEY')).value
}

async function vaultId(h: Home): Promise<string> {
  return (await JsonStore.open(h.dir).vaultMeta()).vault_id as string
}

const storeBytes = (h: Home): Buffer => readFileSync(join(h.dir, STORE_FILE))

/** What `promise` rejected with (test/helpers/errors.ts). */
const failure = (promise: Promise<unknown>): Promise<Error> => caught(() => promise)

describe('makeRecoveryKey', () => {
  it('shows the key once and keeps only the vault key sealed to its public half', async () => {
    const h = await home()
    expect(await hasRecoveryKey(h.store)).toBe(false)
    const text = await makeRecoveryKey(h)
    expect(text).toMatch(KEY_SHAPE)
    expect(await hasRecoveryKey(h.store)).toBe(true)
    expect(await hasRecoveryKey(JsonStore.open(h.dir))).toBe(true)
    const meta = await JsonStore.open(h.dir).vaultMeta()
    const secret = parseRecoveryKey(text)
    expect(recipientOf(meta.vault_recovery!)).toEqual(recoveryPublicKey(secret))
    expect(openWithRecovery(secret, meta.vault_recovery!)).toEqual(h.vault.exportMasterKey())
    const file = storeBytes(h).toString('utf8')
    expect(file).not.toContain(text)
    expect(file).not.toContain(text.replace(/-/g, ''))
    expect(file).not.toContain(secret.toString('base64url'))
    expect(file).not.toContain(encodeVaultKey(h.vault.exportMasterKey()))
  })

  it('replaces an earlier key, which then stops working', async () => {
    const h = await home()
    const first = await makeRecoveryKey(h)
    const second = await makeRecoveryKey(h)
    expect(second).not.toBe(first)
    await keychain.delete(keychainAccount(await vaultId(h)))
    const error = await failure(recoverVaultKey(first, { store: h.store, keychain }))
    expect(error).toBeInstanceOf(Invalid)
    expect(error.message).toMatch(/earlier recovery key of this one/)
    expect(await recoverVaultKey(second, { store: h.store, keychain })).toBe('keychain')
    expect(await readBack(h)).toBe(h.value)
  })

  it('made by a vault whose key another process rotated meanwhile, seals the new key', async () => {
    const h = await home()
    const stale = await Vault.open({ store: JsonStore.open(h.dir), keychain, env: {} })
    await h.vault.rotate()
    const text = await makeRecoveryKey({ store: JsonStore.open(h.dir), vault: stale })
    const meta = await JsonStore.open(h.dir).vaultMeta()
    const master = openWithRecovery(parseRecoveryKey(text), meta.vault_recovery!)
    expect(master).toEqual(h.vault.exportMasterKey())
    expect(masterOpens(master, meta)).toBe(true)
  })
})

describe('recoverVaultKey', () => {
  it('puts back a vault key the keychain lost: the store opens again, then answers "already"', async () => {
    const h = await home()
    const text = await makeRecoveryKey(h)
    const id = await vaultId(h)
    const master = h.vault.exportMasterKey()
    expect(await keychain.delete(keychainAccount(id))).toBe(true)
    const lost = await failure(readBack(h))
    expect(lost).toBeInstanceOf(Corrupt)
    expect(lost.message).toMatch(/run flowkeys recover with the recovery key/)
    const before = storeBytes(h)

    expect(await recoverVaultKey(text, { store: h.store, keychain })).toBe('keychain')
    expect(decodeVaultKey((await keychain.get(keychainAccount(id)))!)).toEqual(master)
    expect(await readBack(h)).toBe(h.value)
    // Typed again, as people type: lower case, spaces for dashes.
    const typed = text.toLowerCase().replace(/-/g, ' ')
    expect(await recoverVaultKey(typed, { store: h.store, keychain })).toBe('already')
    // The store itself was not written.
    expect(storeBytes(h)).toEqual(before)
  })

  it('replaces a wrong key in the keychain with the right one', async () => {
    const h = await home()
    const text = await makeRecoveryKey(h)
    const account = keychainAccount(await vaultId(h))
    await keychain.set(account, encodeVaultKey(randomBytes(32)))
    expect((await failure(readBack(h))).message).toMatch(/does not open the secrets/)
    expect(await recoverVaultKey(text, { store: h.store, keychain })).toBe('keychain')
    expect(decodeVaultKey((await keychain.get(account))!)).toEqual(h.vault.exportMasterKey())
    expect(await readBack(h)).toBe(h.value)
  })

  // A damaged item (not a 32-byte key) is what keeps the store from opening: recovery must replace it.
  it('replaces a damaged (unreadable) item in the keychain with the right key', async () => {
    const h = await home()
    const text = await makeRecoveryKey(h)
    const account = keychainAccount(await vaultId(h))
    await keychain.set(account, 'not a vault key')
    expect(await failure(readBack(h))).toBeInstanceOf(Invalid)
    expect(await recoverVaultKey(text, { store: h.store, keychain })).toBe('keychain')
    expect(decodeVaultKey((await keychain.get(account))!)).toEqual(h.vault.exportMasterKey())
    expect(await readBack(h)).toBe(h.value)
  })

  it("refuses a wrong recovery key, another store's and a mistyped one, and changes nothing", async () => {
    const h = await home()
    const text = await makeRecoveryKey(h)
    const other = await home()
    const othersKey = await makeRecoveryKey(other)
    const account = keychainAccount(await vaultId(h))
    await keychain.delete(account)
    const before = storeBytes(h)

    for (const wrong of [newRecoveryKey().text, othersKey]) {
      const error = await failure(recoverVaultKey(wrong, { store: h.store, keychain }))
      expect(error).toBeInstanceOf(Invalid)
      expect(error.message).toMatch(/^This recovery key belongs to another store/)
      expect(error.message).not.toContain(wrong)
    }
    // One character changed (to another of the alphabet).
    const typo = (text[0] === 'Z' ? 'Y' : 'Z') + text.slice(1)
    const error = await failure(recoverVaultKey(typo, { store: h.store, keychain }))
    expect(error).toBeInstanceOf(Invalid)
    expect(error.message).toMatch(/has a typo/)
    expect((await failure(recoverVaultKey('not a key', { store: h.store, keychain }))).message).toMatch(
      /^That is not a recovery key/
    )

    expect(await keychain.get(account)).toBeNull()
    expect(storeBytes(h)).toEqual(before)
    // And the right key still works afterwards.
    expect(await recoverVaultKey(text, { store: h.store, keychain })).toBe('keychain')
  })

  it('refuses an envelope that opens to a key that does not open the store (Corrupt), writing nothing', async () => {
    const h = await home()
    const { text, secret } = newRecoveryKey()
    const meta = await h.store.vaultMeta()
    await h.store.setVaultMeta({
      ...meta,
      vault_recovery: sealToRecovery(recoveryPublicKey(secret), randomBytes(32))
    })
    const account = keychainAccount(meta.vault_id!)
    await keychain.delete(account)
    const keyFile = join(h.dir, 'vault.key')
    for (const options of [{}, { keyFile }]) {
      const error = await failure(recoverVaultKey(text, { store: h.store, keychain, ...options }))
      expect(error).toBeInstanceOf(Corrupt)
      expect(error.message).toMatch(/opened a vault key that does not open this store; nothing was changed/)
    }
    expect(await keychain.get(account)).toBeNull()
    expect(existsSync(keyFile)).toBe(false)
  })

  it('answers NotFound for a store without a recovery key, and for a store without a vault', async () => {
    const h = await home()
    const { text } = newRecoveryKey()
    const none = await failure(recoverVaultKey(text, { store: h.store, keychain }))
    expect(none).toBeInstanceOf(NotFound)
    expect(none.message).toMatch(/has no recovery key \(none was made\)/)
    expect(none.message).toContain(h.store.location.where)

    const empty = JsonStore.open(freshDir())
    const noVault = await failure(recoverVaultKey(text, { store: empty, keychain }))
    expect(noVault).toBeInstanceOf(NotFound)
    expect(noVault.message).toMatch(/holds no vault yet/)
  })

  it('with a key file, writes the key there (0600) and not in the keychain; refuses an existing file', async () => {
    const h = await home()
    const text = await makeRecoveryKey(h)
    const account = keychainAccount(await vaultId(h))
    await keychain.delete(account)
    const keyFile = join(h.dir, 'vault.key')

    expect(await recoverVaultKey(text, { store: h.store, keychain, keyFile })).toBe('file')
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(readFileSync(keyFile, 'utf8')).toBe(`${encodeVaultKey(h.vault.exportMasterKey())}\n`)
    expect(await keychain.get(account)).toBeNull()
    // A server started with FLOWKEYS_SECRET_KEY_FILE pointing at it opens the store.
    const store = JsonStore.open(h.dir)
    const vault = await Vault.open({ store, keychain, env: { FLOWKEYS_SECRET_KEY_FILE: keyFile } })
    expect(vault.source).toBe('FLOWKEYS_SECRET_KEY_FILE')
    expect((await new VariableService(store, vault).get(h.userId, 'OPENAI_API_KEY')).value).toBe(h.value)

    const existing = join(h.dir, 'existing.key')
    writeFileSync(existing, 'keep me\n')
    const error = await failure(recoverVaultKey(text, { store: h.store, keychain, keyFile: existing }))
    expect(error).toBeInstanceOf(Conflict)
    expect(error.message).toBe(`${existing} already exists; it was left as it is.`)
    expect(readFileSync(existing, 'utf8')).toBe('keep me\n')
    // Nor is the file just written replaced by a second run.
    const again = await failure(recoverVaultKey(text, { store: h.store, keychain, keyFile }))
    expect(again).toBeInstanceOf(Conflict)
  })

  it('after a rotation, the same recovery key recovers the new vault key', async () => {
    const h = await home()
    const text = await makeRecoveryKey(h)
    const oldId = await vaultId(h)
    const oldMaster = h.vault.exportMasterKey()
    await h.vault.rotate()
    const newId = await vaultId(h)
    const newMaster = h.vault.exportMasterKey()
    expect(newId).not.toBe(oldId)
    expect(newMaster.equals(oldMaster)).toBe(false)
    expect(await keychain.delete(keychainAccount(newId))).toBe(true)
    expect(await keychain.get(keychainAccount(oldId))).toBeNull()

    expect(await recoverVaultKey(text, { store: h.store, keychain })).toBe('keychain')
    expect(decodeVaultKey((await keychain.get(keychainAccount(newId)))!)).toEqual(newMaster)
    expect(await keychain.get(keychainAccount(oldId))).toBeNull()
    expect(await readBack(h)).toBe(h.value)
  })
})

describe('store schema version 5', () => {
  it('gives a version 4 store no rotated hashing key and no recovery key (version 5)', () => {
    const { data } = migrate(
      { version: 4, write_id: null, vault_id: 'v', vault_check: 'c', users: [], api_keys: [], variables: [] },
      MIGRATIONS,
      5
    )
    expect(data).toEqual({
      version: 5,
      write_id: null,
      vault_id: 'v',
      vault_check: 'c',
      vault_hmac: null,
      vault_recovery: null,
      users: [],
      api_keys: [],
      variables: []
    })
  })

  it('a version 4 store file opens with its key, has no recovery key, and can be given one', async () => {
    const dir = freshDir()
    const env = { FLOWKEYS_SECRET_KEY: randomBytes(32).toString('base64url') }
    const made = await Vault.open({ store: JsonStore.open(dir), keychain, env })
    const token = made.encrypt('sealed by version 4')
    const file = join(dir, STORE_FILE)
    const v5 = JSON.parse(readFileSync(file, 'utf8'))
    const { vault_hmac: _hmac, vault_recovery: _recovery, ...v4 } = { ...v5, version: 4 }
    writeFileSync(file, JSON.stringify(v4))

    const store = JsonStore.open(dir)
    expect(await store.vaultMeta()).toEqual({
      vault_id: v5.vault_id,
      vault_check: v5.vault_check,
      vault_hmac: null,
      vault_recovery: null
    })
    expect(await hasRecoveryKey(store)).toBe(false)
    const vault = await Vault.open({ store, keychain, env })
    expect(vault.decrypt(token)).toBe('sealed by version 4')
    expect(vault.hashApiKey('sk-x')).toBe(made.hashApiKey('sk-x'))
    await makeRecoveryKey({ store, vault })
    expect(await hasRecoveryKey(JsonStore.open(dir))).toBe(true)
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(SCHEMA_VERSION)
    expect(readFileSync(`${file}.v4.bak`, 'utf8')).toBe(JSON.stringify(v4))
  })
})
