// The key server's close, which the app's quit waits for (src/main/server/start.ts): a request in flight may
// finish, but a client that connected and never sent a byte cannot hold the close for the 60 s connection timeout.
import { request as httpRequest } from 'node:http'
import { Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { RoutePlugin } from '../../src/main/server/app'
import { startServer, type ServerHandle } from '../../src/main/server/start'

const handles: ServerHandle[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  for (const handle of handles.splice(0)) handle.app.server.closeAllConnections()
})

const slowRoute: RoutePlugin = async (app) => {
  app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 400))
    return { done: true }
  })
}

async function server(): Promise<ServerHandle> {
  const handle = await startServer({ plugins: [slowRoute] }, { port: 0 })
  handles.push(handle)
  return handle
}

/** Resolves with how long `promise` took, or with null if it took longer than `ms`. */
async function timed(promise: Promise<unknown>, ms: number): Promise<number | null> {
  const started = Date.now()
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)))
  const done = promise.then(() => Date.now() - started)
  try {
    return await Promise.race([done, late])
  } finally {
    clearTimeout(timer)
  }
}

describe("the key server's close", () => {
  it('ends within seconds while a client holds a connection on which it sent nothing', async () => {
    const handle = await server()
    const socket = new Socket()
    sockets.push(socket)
    socket.on('error', () => undefined)
    await new Promise<void>((done) => socket.connect(handle.port, '127.0.0.1', done))
    await new Promise((resolve) => setTimeout(resolve, 200)) // accepted by the server, not only connected
    const dropped = new Promise((resolve) => socket.once('close', resolve))

    const took = await timed(handle.close(), 6_000)
    expect(took, 'close() still waiting after 6 s').not.toBeNull()
    expect(took!).toBeLessThan(4_000)
    expect(await timed(dropped, 1_000), 'the server dropped the connection').not.toBeNull()
  })

  it('lets a request in flight finish before it closes', async () => {
    const handle = await server()
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        `${handle.url}/slow`,
        { headers: { host: `127.0.0.1:${handle.port}` } },
        (response) => {
          let body = ''
          response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
        }
      )
      request.on('error', reject)
      request.end()
    })
    await new Promise((resolve) => setTimeout(resolve, 100)) // the request is in its handler now

    const closing = handle.close()
    expect(await answer).toEqual({ status: 200, body: '{"done":true}' })
    expect(await timed(closing, 4_000)).not.toBeNull()
  })
})
