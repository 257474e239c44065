import { type AddressInfo, connect } from 'node:net'
import Fastify from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import {
  bodyBufferStats,
  giveBack,
  isLentBody,
  lendBody,
  ServedResponse
} from '../../src/main/server/response-buffers'
import { serializerCompiler } from '../../src/main/server/serializer'
import type { RoutePlugin } from '../../src/main/server/app'
import { startServer } from '../../src/main/server/start'

const Item = z.object({ id: z.string(), round: z.number(), note: z.string() })
const Listing = z.object({ total_count: z.number(), api_keys: z.array(Item) })
type Listing = z.infer<typeof Listing>
const listing = (round: number, count = 2_000): Listing => ({
  total_count: count,
  api_keys: Array.from({ length: count }, (_, i) => ({ id: `k${i}`, round, note: `é "${i}" ${round}` }))
})

afterEach(() => {
  vi.useRealTimers()
})

describe('lent response bodies', () => {
  it('lends views of kept buffers: one given back is lent again, one still lent never is', () => {
    const a = lendBody(100_000)
    expect(a).toHaveLength(100_000)
    expect(isLentBody(a)).toBe(true)
    const b = lendBody(100_000)
    expect(b.buffer).not.toBe(a.buffer) // a is still lent
    giveBack(a)
    expect(isLentBody(a)).toBe(false)
    const c = lendBody(100_010) // a few bytes longer still fits
    expect(c.buffer).toBe(a.buffer)
    giveBack(b)
    giveBack(c)
    giveBack(c) // twice is harmless
    expect(bodyBufferStats().kept).toBeLessThanOrEqual(4)
  })

  it('keeps at most four buffers, and none after 30 s without a large answer', async () => {
    vi.useFakeTimers()
    // A fresh copy of the module, whose timer is a fake one.
    vi.resetModules()
    const { bodyBufferStats, giveBack, lendBody } = await import('../../src/main/server/response-buffers')
    const views = Array.from({ length: 6 }, () => lendBody(70_000))
    for (const view of views) giveBack(view)
    expect(bodyBufferStats().kept).toBe(4)
    vi.advanceTimersByTime(29_000)
    expect(bodyBufferStats().kept).toBe(4)
    vi.advanceTimersByTime(31_000)
    expect(bodyBufferStats().kept).toBe(0)
  })
})

describe('large answers over HTTP', () => {
  async function listen() {
    const app = Fastify({ http: { ServerResponse: ServedResponse } }).withTypeProvider<ZodTypeProvider>()
    app.setSerializerCompiler(serializerCompiler)
    let round = 0
    const frozen = Object.freeze(listing(-1))
    app.get('/list', { schema: { response: { 200: Listing } } }, async () => listing(round++))
    app.get('/big', { schema: { response: { 200: Listing } } }, async () => listing(round++, 150_000))
    app.get('/frozen', { schema: { response: { 200: Listing } } }, async () => frozen)
    await app.listen({ host: '127.0.0.1', port: 0 })
    return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` }
  }

  it('answers each request its own bytes while reusing the memory of answers already written', async () => {
    const { app, base } = await listen()
    try {
      const madeBefore = bodyBufferStats().made
      const rounds = new Set<number>()
      for (let batch = 0; batch < 25; batch++) {
        const bodies = await Promise.all(
          Array.from({ length: 8 }, async () => {
            const res = await fetch(`${base}/list`)
            const text = await res.text()
            expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text))
            return JSON.parse(text) as Listing
          })
        )
        for (const body of bodies) {
          // A body overwritten by a later answer while being sent would mix rounds or break the JSON.
          const round = body.api_keys[0]!.round
          expect(body).toEqual(listing(round))
          rounds.add(round)
        }
      }
      expect(rounds.size).toBe(200)
      // 200 answers of about 100 KB from a handful of buffers (a fresh one each time before).
      expect(bodyBufferStats().made - madeBefore).toBeLessThanOrEqual(12)
    } finally {
      await app.close()
    }
  })

  it('reuses no memory before its answer is out: a client reading slowly gets its own bytes', async () => {
    const { app, base } = await listen()
    try {
      // 7 MB to a client that does not read yet: the kernel takes a few MB, the rest waits in the server.
      const { port } = app.server.address() as AddressInfo
      const socket = connect(port, '127.0.0.1')
      socket.pause()
      const chunks: Buffer[] = []
      socket.on('data', (chunk: Buffer) => chunks.push(chunk))
      const slow = new Promise<string>((resolve, reject) => {
        socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
        socket.on('error', reject)
      })
      socket.write('GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
      const resume = (): void => void socket.resume()
      await vi.waitFor(() => expect(bodyBufferStats().made).toBeGreaterThan(0))
      await new Promise((done) => setTimeout(done, 200))
      // Answers of the same size in the meantime: given the slow answer's memory early, they would write over it.
      for (let i = 0; i < 2; i++)
        expect((JSON.parse(await (await fetch(`${base}/big`)).text()) as Listing).api_keys).toHaveLength(
          150_000
        )
      resume()
      const answer = await slow
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual(listing(0, 150_000))
    } finally {
      await app.close()
    }
  })

  it('never lends the bytes kept for a frozen answer, which are sent again as they were', async () => {
    const { app, base } = await listen()
    try {
      const first = await (await fetch(`${base}/frozen`)).text()
      for (let i = 0; i < 20; i++) await (await fetch(`${base}/list`)).text()
      expect(await (await fetch(`${base}/frozen`)).text()).toBe(first)
      expect((JSON.parse(first) as Listing).api_keys[0]!.round).toBe(-1)
    } finally {
      await app.close()
    }
  })
})

describe('the key server', () => {
  it('answers large listings from reused memory', async () => {
    let round = 0
    const routes: RoutePlugin = async (app) => {
      app.get('/api/v1/list/', { schema: { response: { 200: Listing } } }, async () => listing(round++))
    }
    const handle = await startServer({ plugins: [routes] }, { port: 0 })
    try {
      const before = bodyBufferStats().made
      for (let i = 0; i < 20; i++) {
        const body = (await (await fetch(`${handle.url}/api/v1/list/`)).json()) as Listing
        expect(body).toEqual(listing(i))
      }
      expect(bodyBufferStats().made - before).toBeLessThanOrEqual(2)
    } finally {
      await handle.close()
    }
  })
})
