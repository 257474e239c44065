import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseJsonBody, UnreadableBody } from '../../src/main/server/http/body'
import { uuidSchema } from '../../src/main/server/http/uuid'
import { RequestValidationError, toPydanticItems } from '../../src/main/server/http/validation'

const fixtures = join(import.meta.dirname, '../fixtures/server')

interface JsonCase {
  text: string
  error: { msg: string; pos: number } | null
}

interface UuidCase {
  input: string
  uuid: string | null
  msg: string | null
}

describe('broken JSON bodies', () => {
  // Verdicts recorded from CPython 3.11's json.loads(bytes) — the same C scanner as 3.12.
  const cases = JSON.parse(readFileSync(join(fixtures, 'python-json-errors.json'), 'utf8')) as JsonCase[]

  it('are located and explained exactly as Python does', () => {
    const mismatches: string[] = []
    for (const { text, error } of cases) {
      if (text === '') continue // FastAPI treats an empty body as absent; covered below
      const parsed = parseJsonBody(Buffer.from(text, 'utf8'))
      let got: { msg: string; pos: number } | null = null
      if (parsed instanceof UnreadableBody) {
        expect(parsed.error).toBeInstanceOf(RequestValidationError)
        const item = (parsed.error as RequestValidationError).items[0]
        got = { msg: String(item?.ctx?.error), pos: Number(item?.loc[1]) }
      }
      if (JSON.stringify(got) !== JSON.stringify(error)) {
        mismatches.push(
          `${JSON.stringify(text)}: python ${JSON.stringify(error)}, ours ${JSON.stringify(got)}`
        )
      }
    }
    expect(cases.length).toBeGreaterThan(400)
    expect(mismatches).toEqual([])
  })

  it('treat an empty body as absent and drop __proto__ keys', () => {
    expect(parseJsonBody(Buffer.alloc(0))).toBeUndefined()
    const parsed = parseJsonBody(Buffer.from('{"__proto__": {"polluted": true}, "a": 1}')) as Record<
      string,
      unknown
    >
    expect(Object.hasOwn(parsed, '__proto__')).toBe(false)
    expect(parsed).toEqual({ a: 1 })
  })
})

describe('uuidSchema', () => {
  // Answers recorded from pydantic 2.13 (pydantic-core 2.46) validating uuid.UUID.
  const cases = JSON.parse(readFileSync(join(fixtures, 'pydantic-uuid.json'), 'utf8')) as UuidCase[]

  it('accepts and rejects what pydantic does, with its message', () => {
    const schema = z.object({ id: uuidSchema() })
    for (const { input, uuid, msg } of cases) {
      const result = schema.safeParse({ id: input })
      if (uuid !== null) {
        expect(result.success, input).toBe(true)
        expect(result.data?.id, input).toBe(uuid)
      } else {
        expect(result.success, input).toBe(false)
        const items = toPydanticItems(result.error?.issues ?? [], { id: input }, ['path'], schema)
        expect(items, input).toEqual([{ type: 'uuid_parsing', loc: ['path', 'id'], msg }])
      }
    }
  })

  it('answers a non-string with uuid_type, and an absent one with missing', () => {
    const schema = z.object({ id: uuidSchema() })
    const wrong = schema.safeParse({ id: 5 })
    expect(toPydanticItems(wrong.error?.issues ?? [], { id: 5 }, ['body'], schema)).toEqual([
      { type: 'uuid_type', loc: ['body', 'id'], msg: 'UUID input should be a string, bytes or UUID object' }
    ])
    const absent = schema.safeParse({})
    expect(toPydanticItems(absent.error?.issues ?? [], {}, ['body'], schema)).toEqual([
      { type: 'missing', loc: ['body', 'id'], msg: 'Field required' }
    ])
  })
})

describe('toPydanticItems', () => {
  // Expected items recorded from pydantic 2.13 for the equivalent model.
  const schema = z.object({
    name: z.string(),
    n: z.int().default(0),
    f: z.number().default(0),
    b: z.boolean().default(false),
    o: z.string().nullable().optional(),
    l: z.array(z.string()).default([]),
    s: z.string().min(3).max(4).default('xxx'),
    lit: z.enum(['Credential', 'Generic']).default('Credential'),
    d: z.record(z.string(), z.string()).default({}),
    nested: z.object({ x: z.string() }).optional()
  })
  const items = (data: unknown) => {
    const result = schema.safeParse(data)
    expect(result.success).toBe(false)
    return toPydanticItems(result.error?.issues ?? [], data, ['body'], schema)
  }

  it('matches pydantic for missing fields and wrong types', () => {
    const data = { name: 1, n: 1.5, f: 'x', b: 'x', o: 5, l: 'x', s: 'ab', lit: 'x', d: 4, nested: 'x' }
    expect(items(data)).toEqual([
      { type: 'string_type', loc: ['body', 'name'], msg: 'Input should be a valid string' },
      {
        type: 'int_from_float',
        loc: ['body', 'n'],
        msg: 'Input should be a valid integer, got a number with a fractional part'
      },
      {
        type: 'float_parsing',
        loc: ['body', 'f'],
        msg: 'Input should be a valid number, unable to parse string as a number'
      },
      {
        type: 'bool_parsing',
        loc: ['body', 'b'],
        msg: 'Input should be a valid boolean, unable to interpret input'
      },
      { type: 'string_type', loc: ['body', 'o'], msg: 'Input should be a valid string' },
      { type: 'list_type', loc: ['body', 'l'], msg: 'Input should be a valid list' },
      { type: 'string_too_short', loc: ['body', 's'], msg: 'String should have at least 3 characters' },
      { type: 'literal_error', loc: ['body', 'lit'], msg: "Input should be 'Credential' or 'Generic'" },
      { type: 'dict_type', loc: ['body', 'd'], msg: 'Input should be a valid dictionary' },
      {
        type: 'model_attributes_type',
        loc: ['body', 'nested'],
        msg: 'Input should be a valid dictionary or object to extract fields from'
      }
    ])
    expect(items({})).toEqual([{ type: 'missing', loc: ['body', 'name'], msg: 'Field required' }])
  })

  it('matches pydantic for strings where integers are expected, and lengths', () => {
    expect(items({ name: 'a', n: 'abc', s: 'abcde', l: 5 })).toEqual([
      {
        type: 'int_parsing',
        loc: ['body', 'n'],
        msg: 'Input should be a valid integer, unable to parse string as an integer'
      },
      { type: 'list_type', loc: ['body', 'l'], msg: 'Input should be a valid list' },
      { type: 'string_too_long', loc: ['body', 's'], msg: 'String should have at most 4 characters' }
    ])
  })

  it('reports a body that is not an object, and a missing one', () => {
    expect(items('text')).toEqual([
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from'
      }
    ])
    expect(items(null)).toEqual([{ type: 'missing', loc: ['body'], msg: 'Field required' }])
  })
})
