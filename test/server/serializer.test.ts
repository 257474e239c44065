import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { serializerCompiler } from '../../src/main/server/http/serializer'

/** A response schema that counts how often it is checked. */
function countingSchema() {
  const seen = { checks: 0 }
  const schema = z.object({
    name: z.string().refine(() => {
      seen.checks++
      return true
    })
  })
  return { schema, seen }
}

function compile(schema: z.ZodType) {
  return serializerCompiler({ schema, method: 'GET', url: '/x', httpStatus: '200' }) as (
    data: unknown
  ) => string | Buffer
}

describe('response serializer', () => {
  it('checks and serialises a frozen value once, any other value every time', () => {
    const { schema, seen } = countingSchema()
    const serialize = compile(schema)
    const frozen = Object.freeze({ name: 'a' })
    const first = serialize(frozen)
    expect(first.toString()).toBe('{"name":"a"}')
    expect(serialize(frozen)).toBe(first) // the very same bytes
    expect(seen.checks).toBe(1)
    const plain = { name: 'b' }
    expect(serialize(plain)).toBe('{"name":"b"}')
    expect(serialize(plain)).toBe('{"name":"b"}')
    expect(seen.checks).toBe(3)
  })

  it('still refuses a value that breaks the schema, frozen or not, and caches nothing for it', () => {
    const serialize = compile(z.object({ name: z.string() }))
    const bad = Object.freeze({ name: 1 })
    expect(() => serialize(bad)).toThrow()
    expect(() => serialize(bad)).toThrow()
    expect(() => serialize({ name: 2 })).toThrow()
  })
})
