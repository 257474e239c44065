import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BadRequest } from '../../src/main/base/errors'
import type { Core } from '../../src/main/core/open'
import {
  MAX_JSON_DEPTH,
  nestedDeeperThan,
  parseJsonBody,
  UnreadableBody
} from '../../src/main/server/http/body'
import { pythonJsonError } from '../../src/main/server/http/json-error'
import { startKeyServer } from '../../src/main/server/key-server'
import type { ErrorLogEntry } from '../../src/main/server/http/log'
import type { ServerHandle } from '../../src/main/server/start'
import { testCore } from '../helpers/core'
import { send, sendJson, type RawResponse } from '../server/http'

// Deeply nested JSON bodies are refused with a 400 by a flat scan, before anything recursive (V8's reviver walk,
// the Python error-position scanner) runs and before authentication: no RangeError, no 500.

const TOO_DEEP = { detail: `JSON body nested too deep (the limit is ${MAX_JSON_DEPTH} levels)` }
/** Just under the 1 MiB body limit, so the body reaches the parser. */
const MEGABYTE = 1_000_000
const UNTERMINATED = '['.repeat(MEGABYTE)
const BALANCED = '['.repeat(MEGABYTE / 2) + ']'.repeat(MEGABYTE / 2)
const CHAT_INPUT = 'ChatInput-jFwUm'
const OPENAI_NODE = 'OpenAIModel-zTNXy'
const OPENAI_VALUE = 'sk-deep-json-PLAINTEXT-2001'
/** Replaced by a nested value after JSON.stringify (which would recurse to build a 5,000-deep one). */
const MARKER_VALUE = '@@DEEP@@'
const MARKER = JSON.stringify(MARKER_VALUE)

interface Flow {
  data: { nodes: { id: string; data: { node: { template: Record<string, Record<string, unknown>> } } }[] }
}

function starterFlow(): Flow {
  return JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/flows/basic-prompting.json'), 'utf8'))
}

/** The resolve body for the starter flow, with the Chat Input's `input_value` set to `value`. */
function resolveBody(value: unknown = MARKER_VALUE): { flow: Flow } {
  const flow = starterFlow()
  const node = flow.data.nodes.find((n) => n.id === CHAT_INPUT)
  if (node?.data.node.template.input_value === undefined) throw new Error('the fixture changed')
  node.data.node.template.input_value.value = value
  return { flow }
}

/** `depth` arrays nested in one another, as text. */
const nestedText = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth)

/** The same, as a value (small depths only: built and measured recursively). */
function nestedValue(depth: number): unknown {
  let value: unknown = []
  for (let d = 1; d < depth; d++) value = [value]
  return value
}

/** Nesting depth of a parsed value, computed independently of the scanner under test. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0
  const children = Array.isArray(value) ? value : Object.values(value)
  return 1 + Math.max(0, ...children.map(depthOf))
}

describe('deep JSON over HTTP, against the key server', () => {
  let core: Core
  let handle: ServerHandle
  let apiKey: string
  const errors: ErrorLogEntry[] = []

  beforeAll(async () => {
    core = await testCore({ LANGFLOW_AUTO_LOGIN: 'false' })
    handle = await startKeyServer(core, { port: 0, log: { error: (entry) => errors.push(entry) } })
    const admin = core.superuser()
    apiKey = (await core.keys.create(admin, { name: 'deep json key' })).api_key
    await core.variables.create(admin.id, { name: 'OPENAI_API_KEY', value: OPENAI_VALUE })
  })
  afterAll(async () => {
    await handle?.close()
  })

  const post = (path: string, body: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
    sendJson(`${handle.url}${path}`, 'POST', body, headers)
  const withKey = (): Record<string, string> => ({ 'x-api-key': apiKey })

  const routes = ['/api/v1/api_key/', '/api/v1/flowkeys/resolve']

  it('the routes used here need a key: an anonymous shallow body is refused by auth, not by the parser', async () => {
    for (const path of routes) {
      const res = await post(path, '{"name": "x"}')
      expect([401, 403], path).toContain(res.status)
    }
  })

  for (const [name, body] of [
    ['1 MB of unterminated [', UNTERMINATED],
    ['1 MB of balanced [[…]]', BALANCED]
  ] as const) {
    it(`${name} → 400 {"detail"} on each route, anonymous or with a key; nothing logged as an error`, async () => {
      for (const path of routes) {
        for (const headers of [{}, withKey()]) {
          const res = await post(path, body, headers)
          expect({ path, status: res.status, body: res.json() }).toEqual({
            path,
            status: 400,
            body: TOO_DEEP
          })
        }
      }
      // Also without a Content-Type, which FastAPI reads as JSON too.
      const bare = await send(`${handle.url}/api/v1/api_key/`, { method: 'POST', body, headers: withKey() })
      expect(bare.status).toBe(400)
      expect(bare.json()).toEqual(TOO_DEEP)
      expect(errors).toEqual([])
    })
  }

  it('a real flow with one field nested 5,000 deep → 400; the flow itself still resolves', async () => {
    const deep = JSON.stringify(resolveBody()).replace(MARKER, nestedText(5000))
    expect(deep).toContain(nestedText(5000))
    const refused = await post('/api/v1/flowkeys/resolve', deep, withKey())
    expect(refused.status).toBe(400)
    expect(refused.json()).toEqual(TOO_DEEP)

    const plain = await post('/api/v1/flowkeys/resolve', JSON.stringify(resolveBody('hello')), withKey())
    expect(plain.status).toBe(200)
    expect(plain.json()).toMatchObject({ tweaks: { [OPENAI_NODE]: { api_key: OPENAI_VALUE } } })
    expect(errors).toEqual([])
  })

  it('a body exactly at the limit resolves; one level more is refused', async () => {
    // The field's value sits inside 9 containers (body, flow, data, nodes, node, data, node, template, field).
    const atLimit = resolveBody(nestedValue(MAX_JSON_DEPTH - 9))
    expect(depthOf(atLimit)).toBe(MAX_JSON_DEPTH)
    const accepted = await post('/api/v1/flowkeys/resolve', JSON.stringify(atLimit), withKey())
    expect(accepted.status).toBe(200)
    expect(accepted.json()).toMatchObject({ tweaks: { [OPENAI_NODE]: { api_key: OPENAI_VALUE } } })

    const over = JSON.stringify(resolveBody()).replace(MARKER, nestedText(MAX_JSON_DEPTH - 8))
    expect(depthOf(JSON.parse(over))).toBe(MAX_JSON_DEPTH + 1)
    const refused = await post('/api/v1/flowkeys/resolve', over, withKey())
    expect(refused.status).toBe(400)
    expect(refused.json()).toEqual(TOO_DEEP)
    expect(errors).toEqual([])
  })

  it('brackets and escaped quotes inside strings are not depth', async () => {
    // At the limit, with strings full of brackets and escapes that a naive count would take for nesting.
    const noisy = resolveBody(['[[[['.repeat(10_000), '"['.repeat(1000), '\\', '{\\"[', MARKER_VALUE])
    const text = JSON.stringify(noisy).replace(MARKER, nestedText(MAX_JSON_DEPTH - 10))
    expect(text).toContain('\\"[\\"[')
    expect(depthOf(JSON.parse(text))).toBe(MAX_JSON_DEPTH)
    const accepted = await post('/api/v1/flowkeys/resolve', text, withKey())
    expect(accepted.status).toBe(200)

    // One real level more is refused, strings and all.
    const over = text.replace(nestedText(MAX_JSON_DEPTH - 10), nestedText(MAX_JSON_DEPTH - 9))
    const refused = await post('/api/v1/flowkeys/resolve', over, withKey())
    expect(refused.status).toBe(400)
    expect(refused.json()).toEqual(TOO_DEEP)
    expect(errors).toEqual([])
  })

  it('a route without a body schema ignores a deep body, as it ignores any unreadable body', async () => {
    const other = await core.keys.create(core.superuser(), { name: 'to delete' })
    const res = await send(`${handle.url}/api/v1/api_key/${other.key.id}`, {
      method: 'DELETE',
      // Node sends a DELETE body neither chunked nor sized unless told its length.
      headers: {
        'content-type': 'application/json',
        'content-length': String(BALANCED.length),
        ...withKey()
      },
      body: BALANCED
    })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ detail: 'API Key deleted' })
    expect(await core.store.keyById(other.key.id)).toBeUndefined()
    expect(errors).toEqual([])
  })

  it('a broken body under the limit still gets the json_invalid answer at Python position', async () => {
    const body = nestedText(MAX_JSON_DEPTH).slice(0, -1)
    const res = await post('/api/v1/api_key/', body, withKey())
    expect(res.status).toBe(422)
    expect(res.json()).toMatchObject({
      detail: [
        { type: 'json_invalid', loc: ['body', body.length], ctx: { error: "Expecting ',' delimiter" } }
      ]
    })
  })
})

describe('nestedDeeperThan', () => {
  const depth = (text: string): number => {
    let d = 0
    while (nestedDeeperThan(text, d)) d++
    return d
  }

  it('measures the nesting of valid documents exactly', () => {
    for (const text of ['1', '"x"', '[]', '{}', '[[]]', '{"a": [1, {"b": []}]}', '[[], [[[]]], {}]']) {
      expect(depth(text), text).toBe(depthOf(JSON.parse(text)))
    }
  })

  it('skips strings, escaped quotes and escaped backslashes', () => {
    expect(depth('["[[[[", "{{{{"]')).toBe(1)
    expect(depth(JSON.stringify(['"[[[', '\\', '\\"[', '\\\\"{']))).toBe(1)
    // After an escaped backslash the quote does end the string: the brackets after it count.
    expect(depth('["\\\\", [[]]]')).toBe(3)
    // An unterminated string hides the rest, which JSON.parse refuses before any nesting there.
    expect(depth('["[[[[[[')).toBe(1)
  })

  it('counts nesting in broken documents too, and stray closers do not buy depth', () => {
    expect(depth('[[[')).toBe(3)
    expect(depth('[{[')).toBe(3)
    expect(depth(']]]]]][[')).toBe(2)
    expect(nestedDeeperThan(UNTERMINATED, MAX_JSON_DEPTH)).toBe(true)
    expect(nestedDeeperThan(BALANCED, MAX_JSON_DEPTH)).toBe(true)
  })
})

describe('parseJsonBody and pythonJsonError on deep documents', () => {
  it('refuse a deep document with a BadRequest, valid or not, and accept one at the limit', () => {
    for (const text of [UNTERMINATED, BALANCED, nestedText(MAX_JSON_DEPTH + 1), '{"a":'.repeat(5000)]) {
      const parsed = parseJsonBody(Buffer.from(text))
      expect(parsed).toBeInstanceOf(UnreadableBody)
      const error = (parsed as UnreadableBody).error
      expect(error).toBeInstanceOf(BadRequest)
      expect(error.message).toBe(TOO_DEEP.detail)
    }
    expect(depthOf(parseJsonBody(Buffer.from(nestedText(MAX_JSON_DEPTH))))).toBe(MAX_JSON_DEPTH)
  })

  it('still drops __proto__ keys, deep down too', () => {
    const inner = '{"__proto__": {"polluted": true}, "a": 1}'
    // The inner object holds one more: exactly at the limit.
    const text = '['.repeat(MAX_JSON_DEPTH - 2) + inner + ']'.repeat(MAX_JSON_DEPTH - 2)
    let value = parseJsonBody(Buffer.from(text))
    for (let d = 0; d < MAX_JSON_DEPTH - 2; d++) value = (value as unknown[])[0]
    expect(Object.hasOwn(value as object, '__proto__')).toBe(false)
    expect(value).toEqual({ a: 1 })
  })

  it('pythonJsonError scans a 100,000-deep document without recursing', () => {
    const n = 100_000
    expect(pythonJsonError('['.repeat(n))).toEqual({ msg: 'Expecting value', pos: n })
    expect(pythonJsonError('['.repeat(n) + ']'.repeat(n - 1))).toEqual({
      msg: "Expecting ',' delimiter",
      pos: 2 * n - 1
    })
    expect(pythonJsonError('{"a": '.repeat(n))).toEqual({ msg: 'Expecting value', pos: 6 * n })
    expect(pythonJsonError('{"a": '.repeat(n) + '1' + '}'.repeat(n) + ' x')).toEqual({
      msg: 'Extra data',
      pos: 7 * n + 2
    })
    expect(pythonJsonError(nestedText(n))).toBeNull()
  })
})
