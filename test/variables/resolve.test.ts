import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { BadRequest, Invalid, NotFound } from '../../src/main/base/errors'
import type { VariableType } from '../../src/main/store/schema'
import { resolveFlowCredentials, type ResolveFlowInput } from '../../src/main/variables/resolve'
import { fixture } from './setup'
import { caught } from '../helpers/errors'

const starter = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/flows/basic-prompting.json'), 'utf8')
) as { data: { nodes: unknown[] } }

function field(value: unknown, extra: Record<string, unknown> = {}) {
  return { type: 'str', show: true, value, ...extra }
}

/** A small flow: one model node with a database-backed api_key, plus the fields the rules talk about. */
function flow(template: Record<string, unknown>, id = 'Model-1', displayName = 'OpenAI') {
  return {
    data: {
      nodes: [
        {
          id,
          type: 'genericNode',
          data: {
            id,
            type: 'OpenAIModel',
            node: { display_name: displayName, template: { _type: 'Component', ...template } }
          }
        }
      ]
    }
  }
}

const apiKeyFromDb = { api_key: field('OPENAI_API_KEY', { load_from_db: true, password: true }) }

function lookupOf(variables: Record<string, [VariableType, string]>) {
  return vi.fn((name: string) => {
    const found = Object.hasOwn(variables, name) ? variables[name] : undefined
    return found ? { type: found[0], value: found[1] } : null
  })
}

function resolve(input: Partial<ResolveFlowInput> & Pick<ResolveFlowInput, 'flow'>) {
  return resolveFlowCredentials({ lookup: lookupOf({}), fallbackToEnv: false, ...input })
}

describe('credential resolution', () => {
  it("fills a load_from_db field with the user's variable", () => {
    const result = resolve({
      flow: flow(apiKeyFromDb),
      lookup: lookupOf({ OPENAI_API_KEY: ['Credential', 'sk-from-variable'] })
    })
    expect(result.tweaks).toEqual({ 'Model-1': { api_key: 'sk-from-variable' } })
    expect(result.fields).toEqual([
      { nodeId: 'Model-1', field: 'api_key', source: 'variable', variable: 'OPENAI_API_KEY' }
    ])
    expect(JSON.stringify(result.fields)).not.toContain('sk-from-variable')
  })

  it('1. a plain tweak beats the variable and is used as is', () => {
    const lookup = lookupOf({ OPENAI_API_KEY: ['Credential', 'sk-from-variable'] })
    const result = resolve({
      flow: flow(apiKeyFromDb),
      lookup,
      tweaks: { 'Model-1': { api_key: 'sk-from-tweak' } }
    })
    expect(result.tweaks).toEqual({ 'Model-1': { api_key: 'sk-from-tweak' } })
    expect(result.fields[0]).toMatchObject({ source: 'tweak', variable: null })
    expect(lookup).not.toHaveBeenCalled()
  })

  it('1. a dict tweak without load_from_db is a literal too', () => {
    const result = resolve({
      flow: flow(apiKeyFromDb),
      lookup: lookupOf({ OPENAI_API_KEY: ['Credential', 'sk-from-variable'] }),
      tweaks: { 'Model-1': { api_key: { value: 'sk-literal' } } }
    })
    expect(result.tweaks).toEqual({ 'Model-1': { api_key: 'sk-literal' } })
  })

  it('1. a {value, load_from_db: true} tweak points the field at another variable', () => {
    const result = resolve({
      flow: flow({ api_key: field('sk-literal-in-flow', { load_from_db: false, password: true }) }),
      lookup: lookupOf({ OPENAI_API_KEY: ['Credential', 'wrong'], TEAM_KEY: ['Credential', 'sk-team'] }),
      tweaks: { 'Model-1': { api_key: { value: 'TEAM_KEY', load_from_db: true } } }
    })
    expect(result.tweaks).toEqual({ 'Model-1': { api_key: 'sk-team' } })
    expect(result.fields[0]).toMatchObject({ source: 'variable', variable: 'TEAM_KEY' })
  })

  it('1. tweaks reach a node by display name, and scalar tweaks reach every node (after node tweaks)', () => {
    const byName = resolve({
      flow: flow(apiKeyFromDb),
      tweaks: { OpenAI: { api_key: 'sk-by-name' } }
    })
    expect(byName.tweaks).toEqual({ 'Model-1': { api_key: 'sk-by-name' } })
    const everywhere = resolve({
      flow: flow(apiKeyFromDb),
      tweaks: { 'Model-1': { api_key: 'sk-node' }, api_key: 'sk-everywhere' }
    })
    expect(everywhere.tweaks).toEqual({ 'Model-1': { api_key: 'sk-everywhere' } })
  })

  it('1. the code field is never tweakable', () => {
    const result = resolve({
      flow: flow({ ...apiKeyFromDb, code: field('class X: pass', { type: 'code', load_from_db: false }) }),
      lookup: lookupOf({ OPENAI_API_KEY: ['Credential', 'k'] }),
      // Were `code` tweakable, this would look up a variable that does not exist and fail.
      tweaks: { 'Model-1': { code: { value: 'MISSING', load_from_db: true } } }
    })
    expect(result.tweaks).toEqual({ 'Model-1': { api_key: 'k' } })
    expect(result.fields.map((f) => f.field)).toEqual(['api_key'])
  })

  it('2. a literal in the flow beats a variable of the same name', () => {
    const lookup = lookupOf({ OPENAI_API_KEY: ['Credential', 'sk-from-variable'] })
    const result = resolve({
      flow: flow({ api_key: field('OPENAI_API_KEY', { load_from_db: false, password: true }) }),
      lookup
    })
    expect(result.tweaks).toEqual({})
    expect(result.fields).toEqual([{ nodeId: 'Model-1', field: 'api_key', source: 'flow', variable: null }])
    expect(lookup).not.toHaveBeenCalled()
  })

  it('3. the variable beats the environment', () => {
    const result = resolve({
      flow: flow(apiKeyFromDb),
      lookup: lookupOf({ OPENAI_API_KEY: ['Generic', 'from-variable'] }),
      env: { OPENAI_API_KEY: 'from-env' },
      fallbackToEnv: true
    })
    expect(result.tweaks).toEqual({ 'Model-1': { api_key: 'from-variable' } })
  })

  it('4. the environment is used only with fallbackToEnv', () => {
    const env = { OPENAI_API_KEY: 'from-env' }
    const withFallback = resolve({ flow: flow(apiKeyFromDb), env, fallbackToEnv: true })
    expect(withFallback.tweaks).toEqual({ 'Model-1': { api_key: 'from-env' } })
    expect(withFallback.fields[0]).toMatchObject({ source: 'env', variable: 'OPENAI_API_KEY' })
    expect(() => resolve({ flow: flow(apiKeyFromDb), env, fallbackToEnv: false })).toThrow(NotFound)
    // Only the environment's own variables: not Object.prototype's `toString`.
    expect(() =>
      resolve({ flow: flow({ k: field('toString', { load_from_db: true }) }), env: {}, fallbackToEnv: true })
    ).toThrow('toString variable not found.')
    // An empty environment variable is no value.
    expect(() =>
      resolve({ flow: flow(apiKeyFromDb), env: { OPENAI_API_KEY: '' }, fallbackToEnv: true })
    ).toThrow('OPENAI_API_KEY variable not found.')
  })

  it("5. otherwise: Langflow's exact error", async () => {
    const err = await caught(() => resolve({ flow: flow(apiKeyFromDb), env: {}, fallbackToEnv: true }))
    expect(err).toBeInstanceOf(NotFound)
    expect(err.message).toBe('OPENAI_API_KEY variable not found.')
  })

  it('refuses a Credential in a session_id field, but not a Generic', async () => {
    const template = { session_id: field('SESSION', { load_from_db: true }) }
    const err = await caught(() =>
      resolve({ flow: flow(template), lookup: lookupOf({ SESSION: ['Credential', 'secret-session'] }) })
    )
    expect(err).toBeInstanceOf(BadRequest)
    expect(err.message).toBe(
      "variable SESSION of type 'Credential' cannot be used in a Session ID field because its purpose is to prevent the exposure of values."
    )
    expect(err.message).not.toContain('secret-session')
    const generic = resolve({ flow: flow(template), lookup: lookupOf({ SESSION: ['Generic', 'sess-1'] }) })
    expect(generic.tweaks).toEqual({ 'Model-1': { session_id: 'sess-1' } })
    // The same Credential in another field is fine.
    const other = resolve({
      flow: flow({ other_id: field('SESSION', { load_from_db: true }) }),
      lookup: lookupOf({ SESSION: ['Credential', 'c'] })
    })
    expect(other.tweaks).toEqual({ 'Model-1': { other_id: 'c' } })
  })

  it('skips an empty name, as Langflow does, and can report every problem at once', () => {
    const template = {
      empty: field('', { load_from_db: true }),
      a: field('MISSING_A', { load_from_db: true }),
      session_id: field('CRED', { load_from_db: true }),
      b: field('MISSING_B', { load_from_db: true }),
      ok: field('GOOD', { load_from_db: true })
    }
    const result = resolve({
      flow: flow(template),
      lookup: lookupOf({ CRED: ['Credential', 'x'], GOOD: ['Generic', 'fine'] }),
      collectErrors: true
    })
    expect(result.tweaks).toEqual({ 'Model-1': { ok: 'fine' } })
    expect(result.errors.map((e) => [e.field, e.kind, e.message])).toEqual([
      ['a', 'NotFound', 'MISSING_A variable not found.'],
      ['session_id', 'BadRequest', expect.stringContaining("variable CRED of type 'Credential'")],
      ['b', 'NotFound', 'MISSING_B variable not found.']
    ])
    // Without collectErrors, the first problem stops resolution, as in Langflow.
    expect(() => resolve({ flow: flow(template), lookup: lookupOf({}) })).toThrow(
      'MISSING_A variable not found.'
    )
  })

  it('accepts { data: { nodes } }, { nodes } or a list of nodes, and refuses anything else', () => {
    const lookup = lookupOf({ OPENAI_API_KEY: ['Credential', 'k'] })
    const full = flow(apiKeyFromDb)
    for (const shape of [full, { nodes: full.data.nodes }, full.data.nodes]) {
      expect(resolve({ flow: shape, lookup }).tweaks).toEqual({ 'Model-1': { api_key: 'k' } })
    }
    for (const bad of [null, 'flow', { data: {} }, { nodes: 'x' }]) {
      expect(() => resolve({ flow: bad, lookup })).toThrow(Invalid)
    }
  })

  it('leaves the flow and the tweaks as they were, and is safe with hostile names', () => {
    // JSON.parse makes `__proto__` an own key, as a flow file or a request body would.
    const input = JSON.parse(
      JSON.stringify(flow(apiKeyFromDb, 'NODE'))
        .replace('"NODE"', '"__proto__"')
        .replace('"NODE"', '"__proto__"')
    ) as unknown
    const tweaks = JSON.parse('{"__proto__": {"api_key": {"value": "X", "load_from_db": true}}}') as Record<
      string,
      unknown
    >
    const before = JSON.stringify([input, tweaks])
    const result = resolve({
      flow: input,
      tweaks,
      lookup: lookupOf({ OPENAI_API_KEY: ['Credential', 'k'], X: ['Generic', 'x'] })
    })
    expect(JSON.stringify([input, tweaks])).toBe(before)
    expect(Object.getPrototypeOf(result.tweaks)).toBe(Object.prototype)
    expect(Object.getPrototypeOf(result.runTweaks)).toBe(Object.prototype)
    expect(Object.hasOwn(result.tweaks, '__proto__')).toBe(true)
    expect(JSON.parse(JSON.stringify(result.tweaks))).toEqual(JSON.parse('{"__proto__": {"api_key": "x"}}'))
    expect(({} as Record<string, unknown>).api_key).toBeUndefined()
  })

  it("merges its values into the caller's tweaks for the run, replacing database pointers", () => {
    const result = resolve({
      flow: flow({ ...apiKeyFromDb, temperature: field(0.1, { type: 'float' }) }),
      lookup: lookupOf({ TEAM_KEY: ['Credential', 'sk-team'] }),
      tweaks: {
        OpenAI: { api_key: { value: 'TEAM_KEY', load_from_db: true }, temperature: 0.7 },
        stream: false
      }
    })
    expect(result.runTweaks).toEqual({
      OpenAI: { temperature: 0.7 },
      stream: false,
      'Model-1': { api_key: 'sk-team' }
    })
  })
})

describe('the Basic Prompting starter flow', () => {
  it("resolves end to end against the user's variables", async () => {
    const { service, alice, bob } = await fixture()
    await service.create(alice, {
      name: 'OPENAI_API_KEY',
      value: 'sk-proj-alice',
      default_fields: ['OpenAI', 'api_key']
    })
    const result = resolveFlowCredentials({
      flow: starter,
      lookup: await service.lookupFor(alice),
      fallbackToEnv: false
    })
    expect(result.tweaks).toEqual({ 'OpenAIModel-zTNXy': { api_key: 'sk-proj-alice' } })
    expect(result.fields).toEqual([
      { nodeId: 'OpenAIModel-zTNXy', field: 'api_key', source: 'variable', variable: 'OPENAI_API_KEY' }
    ])
    // Another user does not have it: Langflow's error, unless the environment may fill in.
    const bobs = await service.lookupFor(bob)
    expect(() => resolveFlowCredentials({ flow: starter, lookup: bobs, fallbackToEnv: false })).toThrow(
      'OPENAI_API_KEY variable not found.'
    )
    const fromEnv = resolveFlowCredentials({
      flow: starter,
      lookup: await service.lookupFor(bob),
      env: { OPENAI_API_KEY: 'sk-env' },
      fallbackToEnv: true
    })
    expect(fromEnv.tweaks).toEqual({ 'OpenAIModel-zTNXy': { api_key: 'sk-env' } })
    // A run-time tweak by the node's id wins; ChatInput's empty session_id is left alone.
    const tweaked = resolveFlowCredentials({
      flow: starter,
      tweaks: { 'OpenAIModel-zTNXy': { api_key: 'sk-run' }, 'ChatInput-jFwUm': { input_value: 'hi' } },
      lookup: await service.lookupFor(alice),
      fallbackToEnv: false
    })
    expect(tweaked.tweaks).toEqual({ 'OpenAIModel-zTNXy': { api_key: 'sk-run' } })
    expect(tweaked.runTweaks).toEqual({
      'OpenAIModel-zTNXy': { api_key: 'sk-run' },
      'ChatInput-jFwUm': { input_value: 'hi' }
    })
  })
})
