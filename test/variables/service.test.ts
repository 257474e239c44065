import { describe, expect, it } from 'vitest'
import { BadRequest, Invalid, NotFound } from '../../src/main/base/errors'
import { VariableService } from '../../src/main/variables/service'
import { writeCounter } from '../helpers/store-writes'
import { fixture, storeBytes } from './setup'
import { caught } from '../helpers/errors'
import { TEST_STORE, testStore } from '../helpers/core'

describe('create', () => {
  it('returns exactly VariableRead, hides a Credential value, and encrypts both types at rest', async () => {
    const { store, service, alice } = await fixture()
    const cred = await service.create(alice, { name: 'OPENAI_API_KEY', value: 'sk-secret-1' })
    expect(Object.keys(cred).sort()).toEqual(['default_fields', 'id', 'name', 'type', 'value'])
    expect(cred).toMatchObject({
      name: 'OPENAI_API_KEY',
      type: 'Credential',
      value: null,
      default_fields: []
    })
    const gen = await service.create(alice, {
      name: 'MODEL',
      value: 'gpt-4o',
      type: 'Generic',
      default_fields: ['OpenAI', 'model_name']
    })
    expect(gen).toMatchObject({ type: 'Generic', value: 'gpt-4o', default_fields: ['OpenAI', 'model_name'] })
    const records = (await store.exportAll()).variables
    expect(records.map((r) => r.source)).toEqual(['app', 'app'])
    for (const r of records) {
      expect(r.value).toMatch(/^gAAAAA/)
      expect(r.value).not.toContain('sk-secret-1')
      expect(r.value).not.toContain('gpt-4o')
    }
  })

  it.each([[null], [''], [undefined]] as const)('takes type %j as Credential', async (type) => {
    const { service, alice } = await fixture()
    expect((await service.create(alice, { name: 'A', value: 'v', type })).type).toBe('Credential')
  })

  it('refuses a type that is neither Credential nor Generic', async () => {
    const { service, alice } = await fixture()
    const err = await caught(() => service.create(alice, { name: 'A', value: 'v', type: 'Secret' as never }))
    expect(err).toBeInstanceOf(Invalid)
  })

  it.each([
    ['', '', 'Variable name and value cannot be empty'],
    ['', 'v', 'Variable name cannot be empty'],
    ['N', '', 'Variable value cannot be empty'],
    // Emptiness is checked before uniqueness, as in Langflow.
    ['TAKEN', '', 'Variable value cannot be empty'],
    ['TAKEN', 'v', 'Variable name already exists']
  ])('name %j, value %j → 400 %s', async (name, value, message) => {
    const { dir, service, alice } = await fixture()
    await service.create(alice, { name: 'TAKEN', value: 'x' })
    const before = TEST_STORE === 'file' ? storeBytes(dir) : null
    const err = await caught(() => service.create(alice, { name, value }))
    expect(err).toBeInstanceOf(BadRequest)
    expect(err.message).toBe(message)
    if (TEST_STORE === 'file') expect(storeBytes(dir)).toEqual(before)
  })

  it('checks names per user and by exact match', async () => {
    const { service, alice, bob } = await fixture()
    await service.create(alice, { name: 'KEY', value: 'a' })
    await service.create(bob, { name: 'KEY', value: 'b' })
    await service.create(alice, { name: 'key', value: 'c' })
    await service.create(alice, { name: 'KEY ', value: 'd' })
    expect((await service.get(alice, 'KEY')).value).toBe('a')
    expect((await service.get(bob, 'KEY')).value).toBe('b')
  })

  it('refuses a user that does not exist', async () => {
    const { service } = await fixture()
    const err = await caught(() => service.create('no-such-user', { name: 'A', value: 'v' }))
    expect(err).toBeInstanceOf(NotFound)
  })

  it('never creates a duplicate when two processes race on the same name', async () => {
    const { dir, vault, alice } = await fixture()
    const services = await Promise.all(
      [0, 1, 2, 3].map(async () => new VariableService(await testStore(dir), vault))
    )
    const outcomes = await Promise.allSettled(
      services.map((s, i) => s.create(alice, { name: 'RACE', value: `v${i}` }))
    )
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
    for (const o of outcomes) {
      if (o.status === 'rejected') expect((o.reason as Error).message).toBe('Variable name already exists')
    }
    expect((await (await testStore(dir)).variablesOf(alice)).filter((v) => v.name === 'RACE')).toHaveLength(1)
  })
})

describe('list', () => {
  it("lists only the caller's variables, hides __internal__ names, and shows Generic values only", async () => {
    const { service, alice, bob } = await fixture()
    await service.create(alice, { name: 'CRED', value: 'c' })
    await service.create(alice, { name: 'GEN', value: 'g', type: 'Generic' })
    await service.create(alice, { name: '__disabled_models__', value: '[]', type: 'Generic' })
    await service.create(alice, { name: '__starts', value: 's', type: 'Generic' })
    await service.create(alice, { name: 'ends__', value: 'e', type: 'Generic' })
    await service.create(bob, { name: 'BOBS', value: 'b' })
    const listed = await service.list(alice)
    expect(listed.map((v) => [v.name, v.value])).toEqual([
      ['CRED', null],
      ['GEN', 'g'],
      ['__starts', 's'],
      ['ends__', 'e']
    ])
    expect((await service.list(bob)).map((v) => v.name)).toEqual(['BOBS'])
    // Hidden is not absent: the privileged read still finds it.
    expect((await service.get(alice, '__disabled_models__')).value).toBe('[]')
  })

  it('hands out one frozen listing until the store changes, by this process or another', async () => {
    const { dir, service, alice, bob } = await fixture()
    const made = await service.create(alice, { name: 'GEN', value: 'g', type: 'Generic' })
    const first = await service.list(alice)
    // The same array only while the store hands out the same records: the JSON file does, PostgreSQL reads anew.
    if (TEST_STORE === 'file') expect(await service.list(alice)).toBe(first)
    expect(
      Object.isFrozen(first) && Object.isFrozen(first[0]) && Object.isFrozen(first[0]!.default_fields)
    ).toBe(true)
    expect(() => Object.assign(first[0]!, { name: 'changed' })).toThrow(TypeError)
    expect(await service.list(bob)).not.toBe(first)

    await service.update(alice, made.id, { value: 'g2' })
    const second = await service.list(alice)
    expect(second).not.toBe(first)
    expect(second.map((v) => v.value)).toEqual(['g2'])

    // Another store on the same directory stands for another process (the CLI).
    const other = new VariableService(await testStore(dir), service.vault)
    await other.create(alice, { name: 'MORE', value: 'm', type: 'Generic' })
    await new Promise(setImmediate) // a listing trusts a check made earlier in the same turn (DataFile.readChecked)
    expect((await service.list(alice)).map((v) => v.name)).toEqual(['GEN', 'MORE'])
  })
})

describe('update', () => {
  it('keeps every field left out', async () => {
    const { service, alice } = await fixture()
    const made = await service.create(alice, {
      name: 'A',
      value: 'original',
      type: 'Generic',
      default_fields: ['x']
    })
    const renamed = await service.update(alice, made.id, { name: 'B' })
    expect(renamed).toEqual({
      id: made.id,
      name: 'B',
      type: 'Generic',
      value: 'original',
      default_fields: ['x']
    })
    const revalued = await service.update(alice, made.id, { value: 'new', type: null, default_fields: null })
    expect(revalued).toEqual({ id: made.id, name: 'B', type: 'Generic', value: 'new', default_fields: ['x'] })
    const retyped = await service.update(alice, made.id, { type: 'Credential', default_fields: [] })
    expect(retyped).toEqual({ id: made.id, name: 'B', type: 'Credential', value: null, default_fields: [] })
    expect(await service.get(alice, 'B')).toEqual({ name: 'B', type: 'Credential', value: 'new' })
  })

  it('answers "Variable not found" for an unknown id and for another user\'s variable', async () => {
    const { dir, service, alice, bob } = await fixture()
    const bobs = await service.create(bob, { name: 'B', value: 'bob-secret' })
    const before = TEST_STORE === 'file' ? storeBytes(dir) : null
    for (const id of ['00000000-0000-0000-0000-000000000000', bobs.id]) {
      const err = await caught(() => service.update(alice, id, { value: 'hijack' }))
      expect(err).toBeInstanceOf(NotFound)
      expect(err.message).toBe('Variable not found')
    }
    if (TEST_STORE === 'file') expect(storeBytes(dir)).toEqual(before)
    expect((await service.get(bob, 'B')).value).toBe('bob-secret')
  })

  it('refuses a rename onto an existing name, but not onto its own name', async () => {
    const { service, alice, bob } = await fixture()
    await service.create(alice, { name: 'TAKEN', value: '1' })
    await service.create(bob, { name: 'BOBS', value: '1' })
    const a = await service.create(alice, { name: 'A', value: '2' })
    const err = await caught(() => service.update(alice, a.id, { name: 'TAKEN' }))
    expect(err).toBeInstanceOf(BadRequest)
    expect(err.message).toBe('Variable name already exists')
    expect((await service.update(alice, a.id, { name: 'A', value: '3' })).name).toBe('A')
    // Another user's name is free.
    expect((await service.update(alice, a.id, { name: 'BOBS' })).name).toBe('BOBS')
  })

  it.each([
    [{ name: '', value: '' }, 'Variable name and value cannot be empty'],
    [{ name: '' }, 'Variable name cannot be empty'],
    [{ value: '' }, 'Variable value cannot be empty']
  ])('refuses %j with "%s"', async (patch, message) => {
    const { service, alice } = await fixture()
    const a = await service.create(alice, { name: 'A', value: 'v' })
    const err = await caught(() => service.update(alice, a.id, patch))
    expect(err).toBeInstanceOf(BadRequest)
    expect(err.message).toBe(message)
  })

  it('marks a variable that came from the environment as set in the app', async () => {
    const { store, service, alice } = await fixture()
    await service.importFromEnvironment(alice, { OPENAI_API_KEY: 'from-env' }, ['OPENAI_API_KEY'])
    const record = (await store.exportAll()).variables[0]
    expect(record?.source).toBe('env')
    await service.update(alice, record?.id as string, { default_fields: ['OpenAI', 'api_key'] })
    expect((await store.exportAll()).variables[0]?.source).toBe('app')
  })
})

describe('delete', () => {
  it("deletes the caller's variable only", async () => {
    const { service, alice, bob } = await fixture()
    const a = await service.create(alice, { name: 'A', value: 'v' })
    const b = await service.create(bob, { name: 'B', value: 'v' })
    for (const id of [b.id, 'unknown']) {
      const err = await caught(() => service.delete(alice, id))
      expect(err).toBeInstanceOf(NotFound)
      expect(err.message).toBe('Variable not found')
    }
    expect(await service.list(bob)).toHaveLength(1)
    await service.delete(alice, a.id)
    expect(await service.list(alice)).toEqual([])
    expect((await caught(() => service.delete(alice, a.id))).message).toBe('Variable not found')
  })
})

describe('get', () => {
  it('returns the decrypted value of either type, and Langflow\'s "not found" message', async () => {
    const { service, alice, bob } = await fixture()
    await service.create(alice, { name: 'CRED', value: 'c-value' })
    await service.create(alice, { name: 'GEN', value: 'g-value', type: 'Generic' })
    expect(await service.get(alice, 'CRED')).toEqual({ name: 'CRED', type: 'Credential', value: 'c-value' })
    expect(await service.get(alice, 'GEN')).toEqual({ name: 'GEN', type: 'Generic', value: 'g-value' })
    const err = await caught(() => service.get(bob, 'CRED'))
    expect(err).toBeInstanceOf(NotFound)
    expect(err.message).toBe('CRED variable not found.')
    expect((await service.lookupFor(bob))('CRED')).toBeNull()
    expect((await service.lookupFor(alice))('CRED')?.value).toBe('c-value')
  })

  it('sees a write made by another process', async () => {
    const { dir, vault, service, alice } = await fixture()
    const other = new VariableService(await testStore(dir), vault)
    expect(await service.find(alice, 'LATER')).toBeNull()
    await other.create(alice, { name: 'LATER', value: 'v' })
    expect((await service.get(alice, 'LATER')).value).toBe('v')
  })
})

describe('deleting several variables', () => {
  it('deletes all in one write, or none when one is unknown or not the user’s', async () => {
    const { dir, service, alice, bob } = await fixture()
    const a = await service.create(alice, { name: 'A', value: '1' })
    const b = await service.create(alice, { name: 'B', value: '2' })
    const other = await service.create(bob, { name: 'C', value: '3' })
    await expect(service.deleteMany(alice, [a.id, other.id])).rejects.toThrow('Variable not found')
    expect(await service.list(alice)).toHaveLength(2)
    const writes = writeCounter(dir)
    await service.deleteMany(alice, [a.id, b.id])
    if (TEST_STORE === 'file') expect(writes()).toBe(1)
    expect(await service.list(alice)).toEqual([])
    expect(await service.list(bob)).toHaveLength(1)
  })
})
