import Fastify from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { sendListing, STREAMED_LISTING } from '../../src/main/server/http/json-listing'
import { serializerCompiler } from '../../src/main/server/http/serializer'
import { validatorCompiler } from '../../src/main/server/http/validation'

const Item = z.object({ id: z.string(), uses: z.number(), note: z.string().nullable() })
const items = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    Object.freeze({ id: `k${i}`, uses: i, note: i % 3 ? null : `é "${i}" \u2028`, extra: 'dropped' })
  )
const Listing = z.object({ total_count: z.number(), user_id: z.string(), api_keys: z.array(Item) })

describe('long listings are streamed, with the bytes zod would make', () => {
  const app = Fastify().withTypeProvider<ZodTypeProvider>()
  let bad = false
  beforeAll(async () => {
    app.setValidatorCompiler(validatorCompiler)
    app.setSerializerCompiler(serializerCompiler)
    app.get('/keys/:n', { schema: { response: { 200: Listing } } }, async (request, reply) => {
      const list = items(Number((request.params as { n: string }).n))
      if (bad) (list as unknown[])[list.length - 1] = { id: 'x', uses: 'many', note: null }
      const listing = { total_count: list.length, user_id: 'u', api_keys: list }
      return sendListing(reply, Item, list, listing, {
        fields: { total_count: list.length, user_id: 'u' },
        key: 'api_keys'
      })
    })
    app.get('/plain/:n', { schema: { response: { 200: z.array(Item).readonly() } } }, (request, reply) => {
      const list = items(Number((request.params as { n: string }).n))
      return sendListing(reply, Item, list, list)
    })
    await app.ready()
  })
  afterAll(() => app.close())

  it.each([STREAMED_LISTING, 10_000])(
    '%i elements in a wrapper and bare: chunked, the same JSON',
    async (n) => {
      for (const [url, schema] of [
        [`/keys/${n}`, Listing],
        [`/plain/${n}`, z.array(Item)]
      ] as const) {
        const res = await app.inject(url)
        expect(res.statusCode).toBe(200)
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
        expect(res.headers['content-length']).toBeUndefined()
        const list = items(n)
        const expected = url.startsWith('/keys')
          ? z.encode(schema, { total_count: n, user_id: 'u', api_keys: list } as never)
          : z.encode(schema, list as never)
        expect(res.body).toBe(JSON.stringify(expected))
      }
    }
  )

  it('a short listing goes through the serializer, with its length', async () => {
    const res = await app.inject(`/keys/${STREAMED_LISTING - 1}`)
    expect(res.statusCode).toBe(200)
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length)
    expect(res.json<z.infer<typeof Listing>>().api_keys).toHaveLength(STREAMED_LISTING - 1)
  })

  it('an element that breaks the schema: a 500 before the first piece, a cut answer after it', async () => {
    bad = true
    try {
      expect((await app.inject('/keys/300')).statusCode).toBe(500)
      await expect(app.inject('/keys/10000')).rejects.toThrow(/destroyed before completion/)
    } finally {
      bad = false
    }
  })
})
