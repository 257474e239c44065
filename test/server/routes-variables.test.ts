import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  filesContaining,
  key,
  startVariablesServer,
  userWithKey,
  type TestUser,
  type VariablesServer
} from '../fixtures/server/variables/harness'
import { tempDir } from '../helpers/tmp'
import { send, sendJson, type RawResponse } from './http'

const root = tempDir('flowkeys-routes-variables-')
let server: VariablesServer
let alice: TestUser
let bob: TestUser

/** Every plaintext value this suite stores: none may reach a file of the data dir or a log line. */
const SECRETS = {
  openai: 'sk-alice-openai-PLAINTEXT-0001',
  generic: 'generic-alice-PLAINTEXT-0002',
  renamed: 'sk-alice-renamed-PLAINTEXT-0003',
  bob: 'sk-bob-openai-PLAINTEXT-0004',
  hidden: 'hidden-alice-PLAINTEXT-0005',
  patched: 'sk-alice-patched-PLAINTEXT-0006'
}

const url = (path: string) => `${server.url}/api/v1/variables/${path}`
const create = (user: TestUser, body: unknown) => sendJson(url(''), 'POST', body, key(user))
const list = (user: TestUser) => send(url(''), { headers: key(user) })
const patch = (user: TestUser, id: string, body: unknown) => sendJson(url(id), 'PATCH', body, key(user))
const remove = (user: TestUser, id: string) => send(url(id), { method: 'DELETE', headers: key(user) })

function body(res: RawResponse): Record<string, unknown> {
  return res.json() as Record<string, unknown>
}

function idOf(res: RawResponse): string {
  const id = body(res).id
  if (typeof id !== 'string') throw new Error(`no id in ${res.text}`)
  return id
}

function missing(...loc: string[]) {
  return { type: 'missing', loc, msg: 'Field required' }
}

beforeAll(async () => {
  server = await startVariablesServer(root)
  alice = await userWithKey(server, 'alice')
  bob = await userWithKey(server, 'bob')
})

afterAll(async () => {
  await server.close()
})

describe('POST /api/v1/variables/', () => {
  it('creates a Credential: 201 with VariableRead, the value hidden, default_fields defaulting to []', async () => {
    const res = await create(alice, { name: 'OPENAI_API_KEY', value: SECRETS.openai })
    expect(res.status).toBe(201)
    expect(body(res)).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      name: 'OPENAI_API_KEY',
      type: 'Credential',
      value: null,
      default_fields: []
    })
    expect(res.text).not.toContain(SECRETS.openai)
  })

  it('creates a Generic with its value shown and its default_fields kept; an empty type means Credential', async () => {
    const generic = await create(alice, {
      name: 'MODEL_NAME',
      value: SECRETS.generic,
      type: 'Generic',
      default_fields: ['OpenAIModel', 'model_name']
    })
    expect(generic.status).toBe(201)
    expect(body(generic)).toMatchObject({
      name: 'MODEL_NAME',
      type: 'Generic',
      value: SECRETS.generic,
      default_fields: ['OpenAIModel', 'model_name']
    })

    const emptyType = await create(alice, { name: 'EMPTY_TYPE', value: 'x', type: '', default_fields: null })
    expect(emptyType.status).toBe(201)
    expect(body(emptyType)).toMatchObject({ type: 'Credential', value: null, default_fields: [] })
  })

  it('422 when name or value is missing, in field order, before any 400 check', async () => {
    const noName = await create(alice, { value: 'v' })
    expect(noName.status).toBe(422)
    expect(noName.json()).toEqual({ detail: [missing('body', 'name')] })

    const noValue = await create(alice, { name: '' })
    expect(noValue.status).toBe(422)
    expect(noValue.json()).toEqual({ detail: [missing('body', 'value')] })

    const neither = await create(alice, {})
    expect(neither.json()).toEqual({ detail: [missing('body', 'name'), missing('body', 'value')] })

    const noBody = await send(url(''), { method: 'POST', headers: key(alice) })
    expect(noBody.status).toBe(422)
    expect(noBody.json()).toEqual({ detail: [missing('body')] })

    const wrongType = await create(alice, { name: 'N', value: 5 })
    expect(wrongType.status).toBe(422)
    expect(wrongType.json()).toEqual({
      detail: [{ type: 'string_type', loc: ['body', 'value'], msg: 'Input should be a valid string' }]
    })
  })

  it('422 for a type other than Credential or Generic', async () => {
    const res = await create(alice, { name: 'BAD_TYPE', value: 'v', type: 'Secret' })
    expect(res.status).toBe(422)
    expect(res.json()).toEqual({
      detail: [
        {
          type: 'literal_error',
          loc: ['body', 'type'],
          msg: "Input should be 'Credential', 'Generic' or ''"
        }
      ]
    })
  })

  it("answers the 400s with Langflow's messages, in Langflow's order", async () => {
    const cases: [unknown, string][] = [
      [{ name: '', value: '' }, 'Variable name and value cannot be empty'],
      [{ name: '', value: 'v' }, 'Variable name cannot be empty'],
      [{ name: 'OPENAI_API_KEY', value: '' }, 'Variable value cannot be empty'], // emptiness before existence
      [{ name: 'OPENAI_API_KEY', value: 'other' }, 'Variable name already exists']
    ]
    for (const [input, detail] of cases) {
      const res = await create(alice, input)
      expect({ input, status: res.status, body: res.json() }).toEqual({
        input,
        status: 400,
        body: { detail }
      })
    }
  })

  it('names are unique per user and matched exactly', async () => {
    const bobs = await create(bob, { name: 'OPENAI_API_KEY', value: SECRETS.bob })
    expect(bobs.status).toBe(201)
    const otherCase = await create(alice, { name: 'openai_api_key', value: 'lower' })
    expect(otherCase.status).toBe(201)
  })

  it('needs a caller: no key is 403 before the body is judged', async () => {
    const res = await sendJson(url(''), 'POST', {})
    expect(res.status).toBe(403)
    expect(res.json()).toEqual({
      detail:
        'Since v1.5, LANGFLOW_AUTO_LOGIN requires a valid API key. Set LANGFLOW_SKIP_AUTH_AUTO_LOGIN=true to skip this check. Please update your authentication method.'
    })
    const badKey = await sendJson(url(''), 'POST', {}, { 'x-api-key': 'sk-not-a-key' })
    expect(badKey.status).toBe(403)
    expect(badKey.json()).toEqual({ detail: 'Invalid or missing API key' })
  })
})

describe('GET /api/v1/variables/', () => {
  it("lists the caller's variables only, Credential values null, `__names__` hidden", async () => {
    const hidden = await create(alice, {
      name: '__disabled_models__',
      value: SECRETS.hidden,
      type: 'Generic'
    })
    expect(hidden.status).toBe(201)

    const res = await list(alice)
    expect(res.status).toBe(200)
    const rows = res.json() as Record<string, unknown>[]
    expect(rows.map((r) => r.name).sort()).toEqual([
      'EMPTY_TYPE',
      'MODEL_NAME',
      'OPENAI_API_KEY',
      'openai_api_key'
    ])
    for (const row of rows)
      expect(Object.keys(row).sort()).toEqual(['default_fields', 'id', 'name', 'type', 'value'])
    expect(rows.find((r) => r.name === 'OPENAI_API_KEY')).toMatchObject({ type: 'Credential', value: null })
    expect(rows.find((r) => r.name === 'MODEL_NAME')).toMatchObject({
      type: 'Generic',
      value: SECRETS.generic
    })
    expect(res.text).not.toContain(SECRETS.openai)
    expect(res.text).not.toContain(SECRETS.hidden)
    expect(res.text).not.toContain(SECRETS.bob)

    const bobs = (await list(bob)).json() as Record<string, unknown>[]
    expect(bobs.map((r) => r.name)).toEqual(['OPENAI_API_KEY'])
  })

  it('redirects the path without its slash, as Starlette does', async () => {
    const res = await send(`${server.url}/api/v1/variables`, { headers: key(alice) })
    expect(res.status).toBe(307)
    expect(res.headers.location).toBe(`${server.url}/api/v1/variables/`)
  })
})

describe('PATCH /api/v1/variables/{variable_id}', () => {
  let id: string

  beforeAll(async () => {
    id = idOf(
      await create(alice, { name: 'TO_PATCH', value: 'first', type: 'Generic', default_fields: ['a'] })
    )
  })

  it('updates the given fields and keeps the ones left out (FlowKeys)', async () => {
    const res = await patch(alice, id, { id, default_fields: ['b', 'c'] })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({
      id,
      name: 'TO_PATCH',
      type: 'Generic',
      value: 'first',
      default_fields: ['b', 'c']
    })

    const renamed = await patch(alice, id, { id, name: 'PATCHED', value: 'second', type: null })
    expect(renamed.json()).toEqual({
      id,
      name: 'PATCHED',
      type: 'Generic',
      value: 'second',
      default_fields: ['b', 'c']
    })
  })

  it('turns a Generic into a Credential, whose value is then hidden and kept', async () => {
    const res = await patch(alice, id, { id, type: 'Credential', value: SECRETS.patched })
    expect(res.json()).toEqual({
      id,
      name: 'PATCHED',
      type: 'Credential',
      value: null,
      default_fields: ['b', 'c']
    })
    expect((await server.core.variables.get(alice.id, 'PATCHED')).value).toBe(SECRETS.patched)

    await patch(alice, id, { id, default_fields: [] })
    expect((await server.core.variables.get(alice.id, 'PATCHED')).value).toBe(SECRETS.patched)
  })

  it('finds the variable by the path id; a different body id changes nothing', async () => {
    const other = randomUUID()
    const res = await patch(alice, id, { id: other, default_fields: ['by-path'] })
    expect(res.status).toBe(200)
    expect(body(res)).toMatchObject({ id, default_fields: ['by-path'] })
    const stillThere = (await list(alice)).json() as { id: string }[]
    expect(stillThere.map((v) => v.id)).toContain(id)
    expect(stillThere.map((v) => v.id)).not.toContain(other)

    const byBodyOnly = await patch(alice, randomUUID(), { id, default_fields: [] })
    expect(byBodyOnly.status).toBe(404)
  })

  it('400 on a rename onto an existing name, or an empty name or value', async () => {
    const clash = await patch(alice, id, { id, name: 'OPENAI_API_KEY' })
    expect(clash.status).toBe(400)
    expect(clash.json()).toEqual({ detail: 'Variable name already exists' })
    const emptyName = await patch(alice, id, { id, name: '' })
    expect(emptyName.json()).toEqual({ detail: 'Variable name cannot be empty' })
    const emptyValue = await patch(alice, id, { id, value: '' })
    expect(emptyValue.json()).toEqual({ detail: 'Variable value cannot be empty' })
    expect((await server.core.variables.get(alice.id, 'PATCHED')).value).toBe(SECRETS.patched)
  })

  it("404 `Variable not found` for an unknown id and for another user's variable", async () => {
    const unknown = randomUUID()
    const res = await patch(alice, unknown, { id: unknown, name: 'X' })
    expect(res.status).toBe(404)
    expect(res.json()).toEqual({ detail: 'Variable not found' })

    const bobsTry = await patch(bob, id, { id, value: 'stolen' })
    expect(bobsTry.status).toBe(404)
    expect(bobsTry.json()).toEqual({ detail: 'Variable not found' })
    expect((await server.core.variables.get(alice.id, 'PATCHED')).value).toBe(SECRETS.patched)
  })

  it('422 without an id in the body, or with a malformed uuid in the path or the body', async () => {
    const noId = await patch(alice, id, { name: 'X' })
    expect(noId.status).toBe(422)
    expect(noId.json()).toEqual({ detail: [missing('body', 'id')] })

    const badPath = await patch(alice, 'not-a-uuid', { id })
    expect(badPath.status).toBe(422)
    expect(badPath.json()).toEqual({
      detail: [
        {
          type: 'uuid_parsing',
          loc: ['path', 'variable_id'],
          msg: 'Input should be a valid UUID, invalid character: found `n` at 1'
        }
      ]
    })

    const badBodyId = await patch(alice, id, { id: '1234' })
    expect(badBodyId.status).toBe(422)
    expect(badBodyId.json()).toEqual({
      detail: [
        {
          type: 'uuid_parsing',
          loc: ['body', 'id'],
          msg: 'Input should be a valid UUID, invalid length: expected length 32 for simple format, found 4'
        }
      ]
    })
  })
})

describe('DELETE /api/v1/variables/{variable_id}', () => {
  it('204 with an empty body, then 404 `Variable not found` (FlowKeys; Langflow answers 500)', async () => {
    const id = idOf(await create(alice, { name: 'TO_DELETE', value: 'bye' }))
    const res = await remove(alice, id)
    expect(res.status).toBe(204)
    expect(res.text).toBe('')
    expect(res.headers['content-type']).toBeUndefined()
    expect(await server.core.variables.find(alice.id, 'TO_DELETE')).toBeNull()

    const again = await remove(alice, id)
    expect(again.status).toBe(404)
    expect(again.json()).toEqual({ detail: 'Variable not found' })
  })

  it("404 for another user's variable, which stays", async () => {
    const id = idOf(await create(alice, { name: 'ALICE_ONLY', value: 'mine' }))
    const res = await remove(bob, id)
    expect(res.status).toBe(404)
    expect(res.json()).toEqual({ detail: 'Variable not found' })
    expect((await server.core.variables.find(alice.id, 'ALICE_ONLY'))?.value).toBe('mine')
  })

  it('422 for a malformed uuid', async () => {
    const res = await remove(alice, 'abc')
    expect(res.status).toBe(422)
    expect((res.json() as { detail: { loc: unknown }[] }).detail[0]?.loc).toEqual(['path', 'variable_id'])
  })
})

describe('after the scenario', () => {
  it('no file of the data dir and no server log line holds a plaintext value', async () => {
    await server.core.keys.flushUsage()
    for (const secret of Object.values(SECRETS)) {
      expect({ secret, files: filesContaining(server.dataDir, secret) }).toEqual({ secret, files: [] })
      expect(server.lines.filter((line) => line.includes(secret))).toEqual([])
    }
    // The log did record the requests (so the check above looked at something).
    expect(server.lines.some((line) => line.includes('PATCH /api/v1/variables/'))).toBe(true)
  })
})
