import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { Conflict, Invalid } from '../../src/main/base/errors'
import { SETTINGS_FILE, loadSettings } from '../../src/main/config/settings'
import { ApiKeyService } from '../../src/main/keys/service'
import { BACKUP_MAGIC } from '../../src/main/recovery/backup-file'
import { restoreBackup, writeBackup } from '../../src/main/recovery/backup'
import { STORE_FILE } from '../../src/main/store/data-file'
import { JsonStore } from '../../src/main/store/json-store'
import type { StoreData } from '../../src/main/store/schema'
import { UPSTREAM_FILE } from '../../src/main/upstream/upstream-file'
import { UpstreamService } from '../../src/main/upstream/service'
import { newUserRecord } from '../../src/main/users/record'
import { UserService } from '../../src/main/users/service'
import { VariableService } from '../../src/main/variables/service'
import type { Keychain } from '../../src/main/vault/keychain'
import { Vault, keychainAccount } from '../../src/main/vault/vault'
import { decodeVaultKey, encodeVaultKey } from '../../src/main/vault/vault-key'
import { testKeychain } from '../helpers/keychain'
import { caught } from '../helpers/errors'
import { tempDir } from '../helpers/tmp'

// Each backup written or opened runs scrypt at N=2^17 (about half a second): one backup serves most tests.
const root = tempDir('flowkeys-backup-')
let n = 0
const freshDir = (): string => join(root, `d${n++}`)

/** One keychain per "machine" (test/helpers/keychain.ts). */
const machineKeychain = (): Keychain => testKeychain('backup')

const PASSPHRASE = 'seven winding roads to Kraków'
const WRONG = 'seven winding roads to Krakow'
const SECRETS = {
  OPENAI_API_KEY: `sk-openai-${randomBytes(16).toString('hex')}`,
  ANTHROPIC_API_KEY: `sk-ant-${randomBytes(16).toString('hex')}`,
  NOTE: `a generic value ${randomBytes(8).toString('hex')}`
}
const STORE_KEY = `store-key-${randomBytes(16).toString('hex')}`
const UPSTREAM_KEY = `sk-upstream-${randomBytes(16).toString('hex')}`
const SETTINGS = '{\n  "AUTO_LOGIN": false,\n  "NEW_USER_IS_ACTIVE": true\n}\n'

interface Source {
  dataDir: string
  store: JsonStore
  vault: Vault
  keychain: Keychain
  alice: string
  bob: string
  apiKey: string
}

/** A data directory with two users, their variables, a store key, an API key, settings.json and upstream.json. */
async function source(): Promise<Source> {
  const dataDir = freshDir()
  const keychain = machineKeychain()
  const store = JsonStore.open(dataDir)
  const vault = await Vault.open({ store, keychain, env: {} })
  const [alice, bob] = ['alice', 'bob'].map((username) =>
    newUserRecord({ username, password_hash: 'unused', is_active: true, is_superuser: username === 'alice' })
  ) as [ReturnType<typeof newUserRecord>, ReturnType<typeof newUserRecord>]
  await store.insertUser(alice)
  await store.insertUser(bob)
  const variables = new VariableService(store, vault)
  await variables.create(alice.id, { name: 'OPENAI_API_KEY', value: SECRETS.OPENAI_API_KEY })
  await variables.create(alice.id, { name: 'NOTE', value: SECRETS.NOTE, type: 'Generic' })
  await variables.create(bob.id, { name: 'ANTHROPIC_API_KEY', value: SECRETS.ANTHROPIC_API_KEY })
  await new UserService(store, vault, { newUserIsActive: false }).setStoreApiKey(bob.id, STORE_KEY)
  const keys = new ApiKeyService(store, vault, { trackUsage: false })
  const { api_key: apiKey } = await keys.create({ id: bob.id, is_superuser: false }, { name: 'ci' })
  await keys.close()
  writeFileSync(join(dataDir, SETTINGS_FILE), SETTINGS)
  new UpstreamService(dataDir, vault, {}).set(
    { id: alice.id, is_superuser: true },
    'https://langflow.example.com',
    UPSTREAM_KEY
  )
  return { dataDir, store, vault, keychain, alice: alice.id, bob: bob.id, apiKey }
}

const storeOf = (dataDir: string): StoreData =>
  JSON.parse(readFileSync(join(dataDir, STORE_FILE), 'utf8')) as StoreData

/** What `promise` rejected with (test/helpers/errors.ts). */
const failure = (promise: Promise<unknown>): Promise<Error> => caught(() => promise)

let src: Source
let backupPath: string
let backup: Buffer
let name: string
let summary: Awaited<ReturnType<typeof writeBackup>>

beforeAll(async () => {
  src = await source()
  backupPath = join(freshDir(), 'flowkeys.backup')
  mkdirSync(join(backupPath, '..'), { recursive: true })
  summary = await writeBackup(src, backupPath, PASSPHRASE)
  backup = readFileSync(backupPath)
  name = basename(backupPath)
})

/** Checks that nothing was restored into `dataDir` and that `keychain` got no key for the backup's vault. */
async function nothingRestored(dataDir: string, keychain: Keychain): Promise<void> {
  expect(existsSync(join(dataDir, STORE_FILE))).toBe(false)
  expect(existsSync(join(dataDir, SETTINGS_FILE))).toBe(false)
  expect(existsSync(join(dataDir, UPSTREAM_FILE))).toBe(false)
  expect(await keychain.get(keychainAccount(storeOf(src.dataDir).vault_id!))).toBeNull()
}

describe('writeBackup', () => {
  it('writes a 0600 file and says what it holds', () => {
    expect(statSync(backupPath).mode & 0o777).toBe(0o600)
    expect(backup.subarray(0, BACKUP_MAGIC.length).toString()).toBe(BACKUP_MAGIC)
    expect(summary).toEqual({
      users: 2,
      api_keys: 1,
      variables: 3,
      files: [SETTINGS_FILE, UPSTREAM_FILE]
    })
    // No temporary file left beside it.
    expect(readdirSync(join(backupPath, '..'))).toEqual([basename(backupPath)])
  })

  it('holds no variable value, API key, store key, upstream key nor the vault key, in any form', () => {
    const master = src.vault.exportMasterKey()
    const d = storeOf(src.dataDir)
    const needles: Array<[string, Buffer]> = [
      ...Object.entries(SECRETS).map(([k, v]): [string, Buffer] => [k, Buffer.from(v)]),
      ['the API key', Buffer.from(src.apiKey)],
      ["the API key's hash", Buffer.from(d.api_keys[0]!.hash)],
      ['the store key', Buffer.from(STORE_KEY)],
      ['the upstream key', Buffer.from(UPSTREAM_KEY)],
      ['the vault key, raw', master],
      ['the vault key, base64url', Buffer.from(encodeVaultKey(master))],
      ['the vault key, base64', Buffer.from(master.toString('base64'))],
      ['the vault key, hex', Buffer.from(master.toString('hex'))],
      ['a sealed variable', Buffer.from(d.variables[0]!.value)],
      ['the passphrase', Buffer.from(PASSPHRASE)],
      // Not secrets, but proof that the whole body is sealed.
      ['a user name', Buffer.from('"alice"')],
      ['the upstream URL', Buffer.from('langflow.example.com')],
      ['a settings name', Buffer.from('NEW_USER_IS_ACTIVE')]
    ]
    for (const [what, needle] of needles) expect(backup.includes(needle), what).toBe(false)
  })

  it('refuses a weak passphrase, and an existing file unless forced; writes nothing when it refuses', async () => {
    const dir = freshDir()
    mkdirSync(dir)
    const weak = await failure(writeBackup(src, join(dir, 'weak.backup'), 'Password1234!'))
    expect(weak).toBeInstanceOf(Invalid)
    expect(weak.message).toMatch(/common password.*Nothing was written\.$/)
    expect(readdirSync(dir)).toEqual([])

    const existing = join(dir, 'existing.backup')
    writeFileSync(existing, 'keep me')
    chmodSync(existing, 0o644)
    const refused = await failure(writeBackup(src, existing, PASSPHRASE))
    expect(refused).toBeInstanceOf(Conflict)
    expect(refused.message).toBe(
      `${existing} already exists; it was left as it is (replace it with --force).`
    )
    expect(readFileSync(existing, 'utf8')).toBe('keep me')

    expect(await writeBackup(src, existing, PASSPHRASE, { force: true })).toEqual(summary)
    expect(readFileSync(existing).subarray(0, BACKUP_MAGIC.length).toString()).toBe(BACKUP_MAGIC)
    expect(statSync(existing).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['existing.backup'])
  })
})

describe('restoreBackup', () => {
  it('restores into an empty folder on another machine: users, keys, variables, settings and upstream', async () => {
    const dataDir = freshDir()
    const keychain = machineKeychain()
    const restored = await restoreBackup(name, backup, PASSPHRASE, { dataDir, env: {}, keychain })
    expect(restored).toMatchObject({ ...summary, store: join(dataDir, STORE_FILE), key: 'keychain' })
    expect(Math.abs(Date.parse(restored.createdAt) - Date.now())).toBeLessThan(10 * 60_000)

    // The vault key went into this machine's keychain, under the store's vault id.
    const original = storeOf(src.dataDir)
    const copy = storeOf(dataDir)
    expect(decodeVaultKey((await keychain.get(keychainAccount(original.vault_id!)))!)).toEqual(
      src.vault.exportMasterKey()
    )
    // The store as it was: every record, the vault's id and check.
    for (const field of [
      'vault_id',
      'vault_check',
      'vault_hmac',
      'vault_recovery',
      'users',
      'api_keys'
    ] as const) {
      expect(copy[field], field).toEqual(original[field])
    }
    expect(copy.variables).toEqual(original.variables)

    // It opens with the restored key, and everything reads back.
    const store = JsonStore.open(dataDir)
    const vault = await Vault.open({ store, keychain, env: {} })
    expect(vault.source).toBe('keychain')
    const variables = new VariableService(store, vault)
    expect((await variables.get(src.alice, 'OPENAI_API_KEY')).value).toBe(SECRETS.OPENAI_API_KEY)
    expect((await variables.get(src.alice, 'NOTE')).value).toBe(SECRETS.NOTE)
    expect((await variables.get(src.bob, 'ANTHROPIC_API_KEY')).value).toBe(SECRETS.ANTHROPIC_API_KEY)
    expect((await store.listUsers()).users.map((u) => u.username)).toEqual(['alice', 'bob'])
    const bob = await store.userById(src.bob)
    expect(vault.decrypt(bob!.store_api_key!)).toBe(STORE_KEY)
    const keys = new ApiKeyService(store, vault, { trackUsage: false })
    expect((await keys.verify(src.apiKey))?.user.username).toBe('bob')
    expect(await keys.verify(`${src.apiKey.slice(0, -1)}x`)).toBeNull()
    await keys.close()

    // settings.json and upstream.json, as they were, not readable by others.
    for (const file of [SETTINGS_FILE, UPSTREAM_FILE]) {
      expect(readFileSync(join(dataDir, file)), file).toEqual(readFileSync(join(src.dataDir, file)))
      expect(statSync(join(dataDir, file)).mode & 0o777, file).toBe(0o600)
    }
    expect(statSync(join(dataDir, STORE_FILE)).mode & 0o077).toBe(0)
    expect(statSync(dataDir).mode & 0o777).toBe(0o700)
    expect(loadSettings({}, dataDir)).toMatchObject({ autoLogin: false, newUserIsActive: true })
    expect(new UpstreamService(dataDir, vault, {}).current()).toMatchObject({
      url: 'https://langflow.example.com',
      apiKey: UPSTREAM_KEY
    })
  })

  it('refuses a folder whose store holds data, without force, writing nothing; with force replaces it', async () => {
    const dataDir = freshDir()
    const keychain = machineKeychain()
    const store = JsonStore.open(dataDir)
    await Vault.open({ store, keychain, env: {} })
    await store.insertUser(
      newUserRecord({ username: 'carol', password_hash: 'unused', is_active: true, is_superuser: false })
    )
    const before = readFileSync(join(dataDir, STORE_FILE))

    const error = await failure(restoreBackup(name, backup, PASSPHRASE, { dataDir, env: {}, keychain }))
    expect(error).toBeInstanceOf(Conflict)
    expect(error.message).toBe(
      `${join(dataDir, STORE_FILE)} already holds data; nothing was restored (replace it with --force).`
    )
    expect(readFileSync(join(dataDir, STORE_FILE))).toEqual(before)
    expect(existsSync(join(dataDir, SETTINGS_FILE))).toBe(false)
    expect(existsSync(join(dataDir, UPSTREAM_FILE))).toBe(false)
    expect(await keychain.get(keychainAccount(storeOf(src.dataDir).vault_id!))).toBeNull()

    await restoreBackup(name, backup, PASSPHRASE, { dataDir, env: {}, keychain, force: true })
    const vault = await Vault.open({ store: JsonStore.open(dataDir), keychain, env: {} })
    expect(vault.id).toBe(storeOf(src.dataDir).vault_id)
    expect((await JsonStore.open(dataDir).listUsers()).users.map((u) => u.username)).toEqual(['alice', 'bob'])
  })

  // With force, the files the backup does not carry go: an upstream.json left there would hold its key sealed by
  // the replaced store's vault key, and every gateway run would fail until the upstream was set again.
  it('with force, leaves no upstream setting sealed by the replaced vault key', async () => {
    const bare = freshDir()
    const bareKeychain = machineKeychain()
    const bareStore = JsonStore.open(bare)
    const bareVault = await Vault.open({ store: bareStore, keychain: bareKeychain, env: {} })
    await bareStore.insertUser(
      newUserRecord({ username: 'dave', password_hash: 'unused', is_active: true, is_superuser: true })
    )
    const path = join(root, `${basename(bare)}.backup`)
    expect(
      (await writeBackup({ store: bareStore, vault: bareVault, dataDir: bare }, path, PASSPHRASE)).files
    ).toEqual([])

    const dataDir = freshDir()
    const keychain = machineKeychain()
    const store = JsonStore.open(dataDir)
    const vault = await Vault.open({ store, keychain, env: {} })
    new UpstreamService(dataDir, vault, {}).set(
      { id: 'x', is_superuser: true },
      'https://old.example.com',
      UPSTREAM_KEY
    )
    await restoreBackup('bare.backup', readFileSync(path), PASSPHRASE, {
      dataDir,
      env: {},
      keychain,
      force: true
    })

    const restored = await Vault.open({ store: JsonStore.open(dataDir), keychain, env: {} })
    expect(restored.id).toBe(bareVault.id)
    expect(() => new UpstreamService(dataDir, restored, {}).current()).not.toThrow()
  })

  it('refuses a folder that holds only a settings file, writing nothing', async () => {
    const dataDir = freshDir()
    const keychain = machineKeychain()
    mkdirSync(dataDir)
    writeFileSync(join(dataDir, SETTINGS_FILE), '{"AUTO_LOGIN": true}')
    const error = await failure(restoreBackup(name, backup, PASSPHRASE, { dataDir, env: {}, keychain }))
    expect(error).toBeInstanceOf(Conflict)
    expect(error.message).toMatch(new RegExp(`${SETTINGS_FILE} already holds data; nothing was restored`))
    expect(readFileSync(join(dataDir, SETTINGS_FILE), 'utf8')).toBe('{"AUTO_LOGIN": true}')
    expect(readdirSync(dataDir)).toEqual([SETTINGS_FILE])
    expect(await keychain.get(keychainAccount(storeOf(src.dataDir).vault_id!))).toBeNull()
  })

  it('with a wrong passphrase or an altered file, writes nothing: no store file, no keychain item', async () => {
    const dataDir = freshDir()
    const keychain = machineKeychain()
    const wrong = await failure(restoreBackup(name, backup, WRONG, { dataDir, env: {}, keychain }))
    expect(wrong).toBeInstanceOf(Invalid)
    expect(wrong.message).toBe(
      `Wrong passphrase for ${name} (or its header was altered); nothing was restored.`
    )
    await nothingRestored(dataDir, keychain)

    const altered = Buffer.from(backup)
    const middle = backup.lastIndexOf('\n', backup.length - 2) + 10
    altered[middle] = altered[middle] === 0x41 ? 0x42 : 0x41
    const damaged = await failure(restoreBackup(name, altered, PASSPHRASE, { dataDir, env: {}, keychain }))
    expect(damaged).toBeInstanceOf(Invalid)
    expect(damaged.message).toBe(`${name} is damaged (truncated or altered); nothing was restored.`)
    await nothingRestored(dataDir, keychain)
  })

  it('refuses FLOWKEYS_SECRET_KEY set to another key; with the backup key set, leaves the keychain alone', async () => {
    const dataDir = freshDir()
    const keychain = machineKeychain()
    const other = { FLOWKEYS_SECRET_KEY: randomBytes(32).toString('base64url') }
    const error = await failure(restoreBackup(name, backup, PASSPHRASE, { dataDir, env: other, keychain }))
    expect(error).toBeInstanceOf(Invalid)
    expect(error.message).toMatch(
      /^FLOWKEYS_SECRET_KEY holds another vault key than the backup's; nothing was restored/
    )
    expect(error.message).not.toContain(other.FLOWKEYS_SECRET_KEY)
    await nothingRestored(dataDir, keychain)

    const env = { FLOWKEYS_SECRET_KEY: encodeVaultKey(src.vault.exportMasterKey()) }
    const restored = await restoreBackup(name, backup, PASSPHRASE, { dataDir, env, keychain })
    expect(restored.key).toBe('environment')
    expect(await keychain.get(keychainAccount(storeOf(src.dataDir).vault_id!))).toBeNull()
    const store = JsonStore.open(dataDir)
    const vault = await Vault.open({ store, keychain, env })
    expect((await new VariableService(store, vault).get(src.bob, 'ANTHROPIC_API_KEY')).value).toBe(
      SECRETS.ANTHROPIC_API_KEY
    )
  })

  it('a backup written by a process that missed a rotation holds the key of the store it holds', async () => {
    const s = await source()
    const staleStore = JsonStore.open(s.dataDir)
    const stale = await Vault.open({ store: staleStore, keychain: s.keychain, env: {} })
    await s.vault.rotate()
    const path = join(s.dataDir, '..', `${basename(s.dataDir)}.backup`)
    await writeBackup({ store: staleStore, vault: stale, dataDir: s.dataDir }, path, PASSPHRASE)

    const dataDir = freshDir()
    const keychain = machineKeychain()
    await restoreBackup('rotated.backup', readFileSync(path), PASSPHRASE, { dataDir, env: {}, keychain })
    const store = JsonStore.open(dataDir)
    const vault = await Vault.open({ store, keychain, env: {} })
    expect(vault.id).toBe(s.vault.id)
    expect(vault.exportMasterKey()).toEqual(s.vault.exportMasterKey())
    expect((await new VariableService(store, vault).get(s.alice, 'OPENAI_API_KEY')).value).toBe(
      SECRETS.OPENAI_API_KEY
    )
  })
})
