import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  BUILTIN_ENV_VARIABLES,
  parseNameList,
  providerDefaultFields,
  variablesToGetFromEnvironment
} from '../../src/main/variables/providers'
import { fixture } from './setup'
import { TEST_STORE } from '../helpers/core'

/** Langflow's own list, copied from its source into a fixture: the code must match it, name for name. */
const BUILTIN = (
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, '../fixtures/langflow/variables-to-get-from-environment.json'),
      'utf8'
    )
  ) as { names: string[] }
).names

describe('the list of names to read from the environment', () => {
  it("is Langflow's built-in list, in order, when nothing is added", () => {
    expect(BUILTIN_ENV_VARIABLES).toEqual(BUILTIN)
    expect(variablesToGetFromEnvironment()).toEqual(BUILTIN)
    expect(variablesToGetFromEnvironment('  ')).toEqual(BUILTIN)
  })

  it.each([
    ['a comma list', 'MY_TOKEN, OTHER_KEY ,,OPENAI_API_KEY'],
    ['a JSON list', '["MY_TOKEN", "OTHER_KEY", "OPENAI_API_KEY"]'],
    ['a bracketed list without JSON quotes', '[MY_TOKEN, OTHER_KEY, OPENAI_API_KEY]']
  ])('adds names given as %s, without duplicates', (_form, raw) => {
    expect(parseNameList(raw)).toEqual(['MY_TOKEN', 'OTHER_KEY', 'OPENAI_API_KEY'])
    expect(variablesToGetFromEnvironment(raw)).toEqual([...BUILTIN, 'MY_TOKEN', 'OTHER_KEY'])
  })

  it("gives known providers Langflow's default_fields", () => {
    expect(providerDefaultFields('OPENAI_API_KEY')).toEqual(['OpenAI', 'api_key'])
    expect(providerDefaultFields('ANTHROPIC_API_KEY')).toEqual(['Anthropic', 'api_key'])
    expect(providerDefaultFields('GOOGLE_API_KEY')).toEqual(['Google Generative AI', 'api_key'])
    expect(providerDefaultFields('WATSONX_APIKEY')).toEqual(['IBM WatsonX', 'api_key'])
    expect(providerDefaultFields('OLLAMA_BASE_URL')).toEqual(['Ollama', 'api_key'])
    expect(providerDefaultFields('TAVILY_API_KEY')).toEqual([])
    expect(providerDefaultFields('toString')).toEqual([])
  })
})

describe('importing from the environment', () => {
  const names = variablesToGetFromEnvironment('MY_TOKEN')

  it('turns set, non-blank listed names into Credentials, in one write', async () => {
    const { store, service, alice, writes } = await fixture()
    const env = {
      OPENAI_API_KEY: '  sk-env-openai  ',
      TAVILY_API_KEY: 'tvly-env',
      MY_TOKEN: 'mine',
      ANTHROPIC_API_KEY: '   ',
      GROQ_API_KEY: '',
      NOT_LISTED: 'ignored'
    }
    const summary = await service.importFromEnvironment(alice, env, [...names, 'toString', '__proto__'])
    expect(summary).toEqual({
      created: ['OPENAI_API_KEY', 'TAVILY_API_KEY', 'MY_TOKEN'],
      updated: [],
      kept: []
    })
    if (TEST_STORE === 'file') expect(writes()).toBe(1)
    expect(await service.list(alice)).toEqual([
      expect.objectContaining({
        name: 'OPENAI_API_KEY',
        type: 'Credential',
        value: null,
        default_fields: ['OpenAI', 'api_key']
      }),
      expect.objectContaining({ name: 'TAVILY_API_KEY', type: 'Credential', default_fields: [] }),
      expect.objectContaining({ name: 'MY_TOKEN', type: 'Credential', default_fields: [] })
    ])
    // Trimmed like Langflow's strip().
    expect((await service.get(alice, 'OPENAI_API_KEY')).value).toBe('sk-env-openai')
    expect((await store.exportAll()).variables.every((v) => v.source === 'env')).toBe(true)
  })

  it('never overwrites a value set in the app (Langflow issue #8098)', async () => {
    const { service, alice } = await fixture()
    await service.create(alice, { name: 'OPENAI_API_KEY', value: 'set-in-app' })
    const summary = await service.importFromEnvironment(alice, { OPENAI_API_KEY: 'from-env' }, names)
    expect(summary).toEqual({ created: [], updated: [], kept: ['OPENAI_API_KEY'] })
    expect((await service.get(alice, 'OPENAI_API_KEY')).value).toBe('set-in-app')
  })

  it('keeps following the environment for a value that came from it', async () => {
    const { service, alice, writes } = await fixture()
    await service.importFromEnvironment(alice, { OPENAI_API_KEY: 'v1' }, names)
    const same = await service.importFromEnvironment(alice, { OPENAI_API_KEY: 'v1' }, names)
    expect(same).toEqual({ created: [], updated: [], kept: ['OPENAI_API_KEY'] })
    if (TEST_STORE === 'file') expect(writes()).toBe(1)
    const changed = await service.importFromEnvironment(alice, { OPENAI_API_KEY: 'v2' }, names)
    expect(changed).toEqual({ created: [], updated: ['OPENAI_API_KEY'], kept: [] })
    expect((await service.get(alice, 'OPENAI_API_KEY')).value).toBe('v2')
    // Unset later: the stored value stays.
    await service.importFromEnvironment(alice, {}, names)
    expect((await service.get(alice, 'OPENAI_API_KEY')).value).toBe('v2')
  })

  it('fills missing provider default_fields of a variable from the environment', async () => {
    const { store, service, alice } = await fixture()
    await service.importFromEnvironment(alice, { OPENAI_API_KEY: 'v1' }, names)
    const [imported] = await store.variablesOf(alice)
    if (imported) await store.saveVariables([{ ...imported, default_fields: [] }])
    const summary = await service.importFromEnvironment(alice, { OPENAI_API_KEY: 'v1' }, names)
    expect(summary.updated).toEqual(['OPENAI_API_KEY'])
    expect((await service.list(alice))[0]?.default_fields).toEqual(['OpenAI', 'api_key'])
  })

  it("touches only the given user's variables", async () => {
    const { service, alice, bob } = await fixture()
    await service.create(bob, { name: 'OPENAI_API_KEY', value: 'bob-in-app' })
    await service.importFromEnvironment(alice, { OPENAI_API_KEY: 'env' }, names)
    expect((await service.get(alice, 'OPENAI_API_KEY')).value).toBe('env')
    expect((await service.get(bob, 'OPENAI_API_KEY')).value).toBe('bob-in-app')
  })
})
