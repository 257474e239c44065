import Fastify from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { serializerCompiler } from '../../src/main/server/serializer'

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

const Item = z.object({ id: z.string(), uses: z.number(), note: z.string().nullable() })
const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `k${i}`, uses: i, note: i % 3 ? null : `é "${i}"`, extra: 'x' }))
const Listing = z.object({ total_count: z.number(), user_id: z.string(), api_keys: z.array(Item) })

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

  it('encodes a large listing element by element into the very bytes zod would make', () => {
    const zod = (schema: z.ZodType, data: unknown) => JSON.stringify(z.encode(schema, data as never)) // what the plain zod serializer writes
    for (const [schema, data] of [
      [z.array(Item), items(1_000)],
      [z.array(Item).readonly(), items(300)],
      [Listing, { user_id: 'u', api_keys: items(500), total_count: 500, ignored: true }]
    ] as const) {
      const out = compile(schema)(data)
      expect(Buffer.isBuffer(out)).toBe(true)
      expect(out.toString()).toBe(zod(schema, data))
    }
    // Small ones stay strings.
    expect(compile(z.array(Item))(items(3))).toBe(zod(z.array(Item), items(3)))
  })

  it('refuses a large listing with one bad element, as zod does', () => {
    const bad = items(600)
    ;(bad[599] as { uses: unknown }).uses = 'many'
    expect(() => compile(z.array(Item))(bad)).toThrow()
    expect(() => compile(Listing)({ total_count: 1, user_id: 'u', api_keys: bad })).toThrow()
    expect(() => compile(Listing)({ total_count: 'x', user_id: 'u', api_keys: items(600) })).toThrow()
  })

  it('answers a large listing over HTTP with its length and JSON type', async () => {
    const app = Fastify().withTypeProvider<ZodTypeProvider>()
    app.setSerializerCompiler(serializerCompiler)
    app.get('/list', { schema: { response: { 200: Listing } } }, async () => ({
      total_count: 2_000,
      user_id: 'u',
      api_keys: items(2_000)
    }))
    const res = await app.inject('/list')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length)
    expect(res.json<z.infer<typeof Listing>>().api_keys).toHaveLength(2_000)
    await app.close()
  })
})
