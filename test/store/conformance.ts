import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Store, UsageCount } from '../../src/main/store/backend'
import { MissingUser, UniqueViolation } from '../../src/main/store/errors'
import {
  SCHEMA_VERSION,
  type ApiKeyRecord,
  type UserRecord,
  type VariableRecord
} from '../../src/main/store/schema'

let tick = 0

/** A new ISO time with milliseconds, later than the previous one (the records' time format). */
export function later(): string {
  return new Date(Date.UTC(2026, 11, 6, 18, 22, 28, 123) + tick++ * 1001).toISOString()
}

export function userRecord(username: string, fields: Partial<UserRecord> = {}): UserRecord {
  const now = later()
  return {
    id: randomUUID(),
    username,
    password_hash: `scrypt$16384$8$1$salt$${username}`,
    is_active: true,
    is_superuser: false,
    profile_image: null,
    store_api_key: null,
    create_at: now,
    updated_at: now,
    last_login_at: null,
    token_generation: 0,
    ...fields
  }
}

export function keyRecord(user: UserRecord, fields: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  const id = randomUUID()
  return {
    id,
    name: `key ${id.slice(0, 4)}`,
    hash: `hmac-${id}`,
    prefix: 'sk-12345',
    created_at: later(),
    last_used_at: null,
    total_uses: 0,
    is_active: true,
    user_id: user.id,
    expires_at: null,
    allowed_flows: null,
    ...fields
  }
}

export function variableRecord(
  user: UserRecord,
  name: string,
  fields: Partial<VariableRecord> = {}
): VariableRecord {
  const now = later()
  return {
    id: randomUUID(),
    user_id: user.id,
    name,
    type: 'Credential',
    value: `gAAAA-token-of-${name}`,
    default_fields: [],
    source: 'app',
    created_at: now,
    updated_at: now,
    ...fields
  }
}

/** What a call threw (failing the test when it throws nothing). */
async function thrown(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work()
  } catch (err) {
    return err
  }
  expect.unreachable('expected an error')
}

async function expectUnique(work: () => Promise<unknown>, rule: UniqueViolation['rule']): Promise<void> {
  const err = await thrown(work)
  expect(err).toBeInstanceOf(UniqueViolation)
  expect((err as UniqueViolation).rule).toBe(rule)
}

async function expectMissingUser(work: () => Promise<unknown>): Promise<void> {
  expect(await thrown(work)).toBeInstanceOf(MissingUser)
}

const ids = (records: readonly { id: string }[]) => records.map((r) => r.id)
const sorted = (list: readonly string[]) => [...list].sort()

/**
 * The behaviour every store backend shares (backend.ts), whatever keeps the data: `open` gives a new, empty store
 * each time. The suite closes every store it opened.
 */
export function describeStoreConformance(name: string, open: () => Promise<Store>): void {
  describe(`store conformance: ${name}`, () => {
    const opened: Store[] = []

    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close()
    })

    async function fresh(): Promise<Store> {
      const store = await open()
      opened.push(store)
      return store
    }

    /** A store holding one user with a key and a variable, and the records. */
    async function populated() {
      const store = await fresh()
      const user = userRecord('alice')
      const key = keyRecord(user)
      const variable = variableRecord(user, 'OPENAI_API_KEY', { default_fields: ['api_key', 'openai'] })
      await store.insertUser(user)
      await store.insertKey(key)
      await store.insertVariables([variable])
      return { store, user, key, variable }
    }

    it('starts empty', async () => {
      const store = await fresh()
      expect(await store.listUsers()).toEqual({ total: 0, users: [] })
      expect(await store.keysOf(null)).toEqual([])
      expect(await store.vaultMeta()).toEqual({
        vault_id: null,
        vault_check: null,
        vault_hmac: null,
        vault_recovery: null
      })
      expect(await store.holdsSecrets()).toBe(false)
      expect(await store.userById(randomUUID())).toBeUndefined()
      expect(await store.keyByHash('nothing')).toBeNull()
      await store.check()
    })

    it('gives users back as written, in insertion order', async () => {
      const store = await fresh()
      const users = [
        userRecord('zoe', { is_superuser: true, last_login_at: later(), token_generation: 3 }),
        userRecord('adam', { profile_image: 'Space/046-rocket.svg', store_api_key: 'gAAAA-store' }),
        userRecord('mia', { is_active: false })
      ]
      for (const u of users) await store.insertUser(u)
      expect(await store.listUsers()).toEqual({ total: 3, users })
      expect(await store.userById(users[1]!.id)).toEqual(users[1])
      expect(await store.userByUsername('mia')).toEqual(users[2])
      expect(await store.userByUsername('MIA')).toBeUndefined()
    })

    it('refuses a second user with a taken username', async () => {
      const store = await fresh()
      await store.insertUser(userRecord('alice'))
      await expectUnique(() => store.insertUser(userRecord('alice')), 'username')
      expect((await store.listUsers()).total).toBe(1)
    })

    it('saves a user in place, refuses a rename to a taken name, and says when there is none', async () => {
      const store = await fresh()
      const alice = userRecord('alice')
      const bob = userRecord('bob')
      await store.insertUser(alice)
      await store.insertUser(bob)
      const renamed = { ...alice, username: 'alicia', token_generation: 1, updated_at: later() }
      expect(await store.saveUser(renamed)).toBe(true)
      expect(await store.listUsers()).toEqual({ total: 2, users: [renamed, bob] })
      expect(await store.userByUsername('alice')).toBeUndefined()

      await expectUnique(() => store.saveUser({ ...bob, username: 'alicia' }), 'username')
      expect(await store.userById(bob.id)).toEqual(bob)
      expect(await store.saveUser(userRecord('ghost'))).toBe(false)
      expect((await store.listUsers()).total).toBe(2)
    })

    it('deletes a user with its keys and variables, and only those', async () => {
      const { store, user, key } = await populated()
      const other = userRecord('bob')
      const otherKey = keyRecord(other)
      const otherVariable = variableRecord(other, 'OPENAI_API_KEY')
      await store.insertUser(other)
      await store.insertKey(otherKey)
      await store.insertVariables([otherVariable])

      expect(await store.deleteUser(user.id)).toBe(true)
      expect(await store.userById(user.id)).toBeUndefined()
      expect(await store.keysOf(user.id)).toEqual([])
      expect(await store.keyByHash(key.hash)).toBeNull()
      expect(await store.variablesOf(user.id)).toEqual([])
      expect(await store.keysOf(null)).toEqual([otherKey])
      expect(await store.variablesOf(other.id)).toEqual([otherVariable])
      expect(await store.deleteUser(user.id)).toBe(false)
    })

    it('finds a key with its user by hash, and no longer once deleted', async () => {
      const { store, user, key } = await populated()
      expect(await store.keyByHash(key.hash)).toEqual({ key, user })
      expect(await store.keyById(key.id)).toEqual(key)
      expect(await store.keyByHash('hmac-unknown')).toBeNull()

      expect(await store.deleteKeys([key.id, randomUUID()])).toEqual([key.id])
      expect(await store.keyByHash(key.hash)).toBeNull()
      expect(await store.keyById(key.id)).toBeUndefined()
      expect(await store.deleteKeys([key.id])).toEqual([])
      expect(await store.deleteKeys([])).toEqual([])
    })

    it('lists keys in insertion order, per user or all', async () => {
      const store = await fresh()
      const alice = userRecord('alice')
      const bob = userRecord('bob')
      await store.insertUser(alice)
      await store.insertUser(bob)
      const keys = [
        keyRecord(bob),
        keyRecord(alice, { name: null, expires_at: later(), is_active: false }),
        keyRecord(bob, { last_used_at: later(), total_uses: 7 })
      ]
      for (const k of keys) await store.insertKey(k)
      expect(await store.keysOf(null)).toEqual(keys)
      expect(await store.keysOf(bob.id)).toEqual([keys[0], keys[2]])
      expect(await store.keysOf(alice.id)).toEqual([keys[1]])
      expect(await store.keysOf(randomUUID())).toEqual([])
      expect(sorted(await store.deleteKeys(ids(keys)))).toEqual(sorted(ids(keys)))
    })

    it('renames a key in place, keeping the rest of it and its place, and says when there is none', async () => {
      const { store, user, key } = await populated()
      const second = keyRecord(user)
      await store.insertKey(second)
      expect(await store.renameKey(key.id, 'renamed')).toBe(true)
      const renamed = { ...key, name: 'renamed' }
      expect(await store.keyById(key.id)).toEqual(renamed)
      expect(await store.keyByHash(key.hash)).toEqual({ key: renamed, user })
      expect(await store.keysOf(user.id)).toEqual([renamed, second])
      expect(await store.renameKey(key.id, null)).toBe(true)
      expect((await store.keyById(key.id))?.name).toBeNull()
      expect(await store.renameKey(randomUUID(), 'ghost')).toBe(false)
      expect(await store.keyById(second.id)).toEqual(second)
    })

    it('refuses a key for an unknown user or with a taken hash', async () => {
      const { store, user, key } = await populated()
      await expectMissingUser(() => store.insertKey(keyRecord(userRecord('ghost'))))
      await expectUnique(() => store.insertKey(keyRecord(user, { hash: key.hash })), 'key_hash')
      expect(await store.keysOf(null)).toEqual([key])
    })

    it('adds usage counts, keeps the latest use, and ignores deleted keys', async () => {
      const { store, key } = await populated()
      const first = later()
      const second = later()
      await store.addUsage(new Map([[key.id, { uses: 3, lastUsedAt: second }]]))
      await store.addUsage(
        new Map<string, UsageCount>([
          [key.id, { uses: 2, lastUsedAt: first }],
          [randomUUID(), { uses: 5, lastUsedAt: first }]
        ])
      )
      expect(await store.keyById(key.id)).toEqual({ ...key, total_uses: 5, last_used_at: second })
      await store.addUsage(new Map())
      expect((await store.keyById(key.id))?.total_uses).toBe(5)
    })

    it('loses no count when usage is added concurrently', async () => {
      const { store, user, key } = await populated()
      const other = keyRecord(user)
      await store.insertKey(other)
      const batch = (n: number) =>
        new Map<string, UsageCount>([
          [key.id, { uses: n, lastUsedAt: later() }],
          [other.id, { uses: 1, lastUsedAt: later() }]
        ])
      await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((n) => store.addUsage(batch(n))))
      expect((await store.keyById(key.id))?.total_uses).toBe(36)
      expect((await store.keyById(other.id))?.total_uses).toBe(8)
    })

    it('stores variables in batches, in insertion order, found by id and by name', async () => {
      const { store, user, variable } = await populated()
      const batch = [
        variableRecord(user, 'B', { type: 'Generic', source: 'env' }),
        variableRecord(user, 'A', { default_fields: ['one', 'two "quoted"', 'three, with comma', 'тест'] })
      ]
      await store.insertVariables(batch)
      await store.insertVariables([])
      expect(await store.variablesOf(user.id)).toEqual([variable, ...batch])
      expect(await store.variableById(user.id, batch[0]!.id)).toEqual(batch[0])
      expect(await store.variableById(randomUUID(), batch[0]!.id)).toBeUndefined()
      expect(await store.variableByName(user.id, 'A')).toEqual(batch[1])
      expect(await store.variableByName(user.id, 'a')).toBeUndefined()
      expect(await store.variablesOf(randomUUID())).toEqual([])
    })

    it('keeps one variable name per user, and writes nothing of a refused batch', async () => {
      const { store, user, variable } = await populated()
      const other = userRecord('bob')
      await store.insertUser(other)
      await store.insertVariables([variableRecord(other, variable.name)])

      await expectUnique(
        () => store.insertVariables([variableRecord(user, 'NEW'), variableRecord(user, variable.name)]),
        'variable_name'
      )
      await expectUnique(
        () => store.insertVariables([variableRecord(user, 'TWICE'), variableRecord(user, 'TWICE')]),
        'variable_name'
      )
      expect(await store.variablesOf(user.id)).toEqual([variable])
    })

    it('refuses a variable for an unknown user', async () => {
      const { store, user } = await populated()
      await expectMissingUser(() =>
        store.insertVariables([variableRecord(user, 'FINE'), variableRecord(userRecord('ghost'), 'X')])
      )
      expect(await store.variableByName(user.id, 'FINE')).toBeUndefined()
    })

    it('saves variables in place, skips those gone, and refuses a taken name', async () => {
      const { store, user, variable } = await populated()
      const second = variableRecord(user, 'SECOND')
      await store.insertVariables([second])
      const changed = { ...variable, value: 'gAAAA-new', default_fields: ['x'], updated_at: later() }
      await store.saveVariables([changed, variableRecord(user, 'GONE')])
      expect(await store.variablesOf(user.id)).toEqual([changed, second])

      await expectUnique(() => store.saveVariables([{ ...second, name: variable.name }]), 'variable_name')
      expect(await store.variablesOf(user.id)).toEqual([changed, second])

      // Names are checked once the whole batch is saved: two variables may swap theirs.
      const swapped = [
        { ...changed, name: second.name },
        { ...second, name: changed.name }
      ]
      await store.saveVariables(swapped)
      expect(await store.variablesOf(user.id)).toEqual(swapped)
      await store.saveVariables([])
    })

    it('deletes the variables that exist', async () => {
      const { store, user, variable } = await populated()
      const second = variableRecord(user, 'SECOND')
      await store.insertVariables([second])
      expect(await store.deleteVariables([variable.id, randomUUID()])).toEqual([variable.id])
      expect(await store.variablesOf(user.id)).toEqual([second])
      expect(await store.deleteVariables([])).toEqual([])
    })

    it('commits a transaction and returns its result', async () => {
      const store = await fresh()
      const user = userRecord('alice')
      const key = keyRecord(user)
      const result = await store.transaction(async (tx) => {
        await tx.insertUser(user)
        await tx.insertKey(key)
        expect(await tx.userByUsername('alice')).toEqual(user)
        return 'done'
      })
      expect(result).toBe('done')
      expect(await store.keyByHash(key.hash)).toEqual({ key, user })
    })

    it('writes nothing of a transaction that throws', async () => {
      const { store, user, key, variable } = await populated()
      const boom = new Error('boom')
      const err = await thrown(() =>
        store.transaction(async (tx) => {
          await tx.insertUser(userRecord('bob'))
          await tx.deleteKeys([key.id])
          await tx.saveUser({ ...user, token_generation: 9 })
          await tx.insertVariables([variableRecord(user, 'MORE')])
          await tx.setVaultMeta({ vault_id: 'v', vault_check: 'c', vault_hmac: null, vault_recovery: null })
          throw boom
        })
      )
      expect(err).toBe(boom)
      expect(await store.listUsers()).toEqual({ total: 1, users: [user] })
      expect(await store.keysOf(null)).toEqual([key])
      expect(await store.variablesOf(user.id)).toEqual([variable])
      expect(await store.vaultMeta()).toEqual({
        vault_id: null,
        vault_check: null,
        vault_hmac: null,
        vault_recovery: null
      })
    })

    it('goes on with a transaction after a refused write the callback caught', async () => {
      const { store, user } = await populated()
      const bob = userRecord('bob')
      await store.transaction(async (tx) => {
        await expectUnique(() => tx.insertUser(userRecord('alice')), 'username')
        await expectUnique(
          () => tx.insertVariables([variableRecord(user, 'OPENAI_API_KEY')]),
          'variable_name'
        )
        await expectMissingUser(() => tx.insertKey(keyRecord(userRecord('ghost'))))
        await tx.insertUser(bob)
      })
      expect(ids((await store.listUsers()).users)).toEqual([user.id, bob.id])
    })

    it('runs concurrent transactions one after another: no update is lost', async () => {
      const store = await fresh()
      const user = userRecord('alice')
      await store.insertUser(user)
      await Promise.all(
        Array.from({ length: 10 }, () =>
          store.transaction(async (tx) => {
            const current = await tx.userById(user.id)
            await tx.saveUser({ ...current!, token_generation: current!.token_generation + 1 })
          })
        )
      )
      expect((await store.userById(user.id))?.token_generation).toBe(10)
    })

    it('pages and searches users in any case, counting every match', async () => {
      const store = await fresh()
      const names = ['Alice', 'bob', 'ALbert', 'carol', 'Malice', 'dave']
      const users = names.map((n) => userRecord(n))
      for (const u of users) await store.insertUser(u)
      const names_ = (page: { users: UserRecord[] }) => page.users.map((u) => u.username)

      expect(names_(await store.listUsers({ search: 'aL' }))).toEqual(['Alice', 'ALbert', 'Malice'])
      expect((await store.listUsers({ search: 'aL' })).total).toBe(3)
      expect(await store.listUsers({ search: 'al', skip: 1, limit: 1 })).toEqual({
        total: 3,
        users: [users[2]]
      })
      expect(await store.listUsers({ search: 'zzz' })).toEqual({ total: 0, users: [] })
      expect(names_(await store.listUsers({ skip: 2, limit: 3 }))).toEqual(['ALbert', 'carol', 'Malice'])
      expect(await store.listUsers({ limit: 0 })).toEqual({ total: 6, users: [] })
      expect(await store.listUsers({ skip: 10 })).toEqual({ total: 6, users: [] })
      expect(names_(await store.listUsers({ skip: 4 }))).toEqual(['Malice', 'dave'])
    })

    it('keeps the vault meta', async () => {
      const store = await fresh()
      const meta = {
        vault_id: 'vault-1',
        vault_check: 'gAAAA-check',
        vault_hmac: 'gAAAA-hmac',
        vault_recovery: 'v1.r'
      }
      await store.setVaultMeta(meta)
      expect(await store.vaultMeta()).toEqual(meta)
      await store.setVaultMeta({
        vault_id: 'vault-1',
        vault_check: null,
        vault_hmac: null,
        vault_recovery: null
      })
      expect(await store.vaultMeta()).toEqual({
        vault_id: 'vault-1',
        vault_check: null,
        vault_hmac: null,
        vault_recovery: null
      })
    })

    it('says whether it holds a secret: a vault check, a key, a variable or a store key', async () => {
      const store = await fresh()
      const user = userRecord('alice')
      await store.insertUser(user)
      expect(await store.holdsSecrets()).toBe(false)
      await store.setVaultMeta({
        vault_id: 'vault-1',
        vault_check: null,
        vault_hmac: null,
        vault_recovery: null
      })
      expect(await store.holdsSecrets()).toBe(false)

      await store.setVaultMeta({
        vault_id: 'vault-1',
        vault_check: 'gAAAA-check',
        vault_hmac: null,
        vault_recovery: null
      })
      expect(await store.holdsSecrets()).toBe(true)
      await store.setVaultMeta({
        vault_id: 'vault-1',
        vault_check: null,
        vault_hmac: null,
        vault_recovery: null
      })

      const key = keyRecord(user)
      await store.insertKey(key)
      expect(await store.holdsSecrets()).toBe(true)
      await store.deleteKeys([key.id])

      const variable = variableRecord(user, 'X')
      await store.insertVariables([variable])
      expect(await store.holdsSecrets()).toBe(true)
      await store.deleteVariables([variable.id])
      expect(await store.holdsSecrets()).toBe(false)

      await store.saveUser({ ...user, store_api_key: 'gAAAA-store' })
      expect(await store.holdsSecrets()).toBe(true)
    })

    it('exports everything and replaces everything with an export', async () => {
      const { store: source, user } = await populated()
      const bob = userRecord('bob', { store_api_key: 'gAAAA-store', last_login_at: later() })
      await source.insertUser(bob)
      await source.insertKey(keyRecord(bob, { total_uses: 12, last_used_at: later(), expires_at: later() }))
      await source.insertVariables([variableRecord(bob, 'B', { type: 'Generic', default_fields: ['f'] })])
      await source.insertKey(keyRecord(user))
      await source.setVaultMeta({
        vault_id: 'vault-1',
        vault_check: 'gAAAA-check',
        vault_hmac: 'gAAAA-hmac',
        vault_recovery: 'v1.r'
      })
      const data = await source.exportAll()
      expect(data.vault_recovery).toBe('v1.r')
      expect(data.version).toBe(SCHEMA_VERSION)
      expect(data.write_id).toBeNull()
      expect(data.vault_id).toBe('vault-1')
      expect(ids(data.users)).toEqual([user.id, bob.id])
      expect(data.api_keys).toHaveLength(3)
      expect(data.variables).toHaveLength(2)

      const target = await fresh()
      const stale = userRecord('stale')
      await target.insertUser(stale)
      await target.insertKey(keyRecord(stale))
      await target.replaceAll(data)
      expect(await target.exportAll()).toEqual(data)
      expect(await target.userById(stale.id)).toBeUndefined()
      expect(await target.keyByHash(data.api_keys[0]!.hash)).toEqual({ key: data.api_keys[0], user })
      expect(await target.variablesOf(bob.id)).toEqual([data.variables[1]])

      // An empty export empties the store.
      await target.replaceAll({
        ...data,
        users: [],
        api_keys: [],
        variables: [],
        vault_id: null,
        vault_check: null,
        vault_hmac: null,
        vault_recovery: null
      })
      expect(await target.listUsers()).toEqual({ total: 0, users: [] })
      expect(await target.holdsSecrets()).toBe(false)
    })
  })
}
