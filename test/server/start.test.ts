import { afterEach, describe, expect, it } from 'vitest'
import { Invalid, Unavailable } from '../../src/main/base/errors'
import type { RoutePlugin } from '../../src/main/server/app'
import { lineSink } from '../helpers/log'
import { isLoopback, type ServerHandle, startServer } from '../../src/main/server/start'
import { send } from './http'

const handles: ServerHandle[] = []
async function start(...args: Parameters<typeof startServer>): Promise<ServerHandle> {
  const handle = await startServer(...args)
  handles.push(handle)
  return handle
}

afterEach(async () => {
  await Promise.all(handles.splice(0).map((handle) => handle.close()))
})

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('startServer', () => {
  it('listens on 127.0.0.1 and reports the real port when given port 0', async () => {
    const handle = await start({}, { port: 0 })
    expect(handle.port).toBeGreaterThan(0)
    expect(handle.url).toBe(`http://127.0.0.1:${handle.port}`)
    const res = await fetch(`${handle.url}/health`)
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('refuses a non-loopback address without allowRemote, in one clear line', async () => {
    for (const host of ['0.0.0.0', '192.168.1.20', '::']) {
      const attempt = startServer({}, { host, port: 0 })
      await expect(attempt).rejects.toBeInstanceOf(Invalid)
      await expect(attempt).rejects.toThrow(
        `Refusing to listen on ${host}: the key server serves secrets; pass --allow-remote to bind a non-loopback address`
      )
    }
  })

  it('binds a non-loopback address with allowRemote and warns about it', async () => {
    const lines: string[] = []
    // Plain HTTP on a non-loopback address also needs behindTlsProxy (or tls).
    const handle = await start(
      {},
      {
        host: '0.0.0.0',
        port: 0,
        allowRemote: true,
        behindTlsProxy: true,
        log: lineSink((l) => lines.push(l))
      }
    )
    expect(lines.some((line) => line.includes('WARN') && line.includes('0.0.0.0'))).toBe(true)
    const res = await fetch(`${handle.url}/health`)
    expect(res.status).toBe(200)
    // The Host check still applies: only the names the user allowed (here none beyond loopback).
    const foreign = await send(`${handle.url}/health`, { headers: { host: `evil.example:${handle.port}` } })
    expect(foreign.status).toBe(403)
  })

  it('accepts the hosts listed in allowedHosts, with the port or the one given', async () => {
    const handle = await start({}, { port: 0, allowedHosts: ['flowkeys.lan', 'proxy.lan:8443', 'fe80::1'] })
    for (const host of [`flowkeys.lan:${handle.port}`, 'proxy.lan:8443', `[fe80::1]:${handle.port}`]) {
      const res = await send(`${handle.url}/health`, { headers: { host } })
      expect(res.status, host).toBe(200)
    }
    for (const host of ['flowkeys.lan:1', `proxy.lan:${handle.port}`, `other.lan:${handle.port}`]) {
      const res = await send(`${handle.url}/health`, { headers: { host } })
      expect(res.status, host).toBe(403)
    }
  })

  it('sets request, header, idle and keep-alive timeouts on the HTTP server', async () => {
    const handle = await start({}, { port: 0 })
    const server = handle.app.server
    expect(server.requestTimeout).toBe(30_000)
    expect(server.headersTimeout).toBe(10_000)
    expect(server.headersTimeout).toBeLessThan(server.requestTimeout)
    expect(server.timeout).toBe(60_000)
    expect(server.keepAliveTimeout).toBe(5_000)
  })

  it('says the port is in use, in one line, when it is', async () => {
    const first = await start({}, { port: 0 })
    const attempt = startServer({}, { port: first.port })
    await expect(attempt).rejects.toBeInstanceOf(Unavailable)
    await expect(attempt).rejects.toThrow(
      `Port ${first.port} on 127.0.0.1 is already in use: stop the other server or pick another with --port`
    )
    // The first server is untouched.
    expect((await fetch(`${first.url}/health`)).status).toBe(200)
  })

  it('refuses a port outside 0–65535', async () => {
    await expect(startServer({}, { port: 70000 })).rejects.toBeInstanceOf(Invalid)
  })

  it('closes idempotently, after in-flight requests, then runs the onClose hooks', async () => {
    const events: string[] = []
    let entered!: () => void
    const handlerEntered = new Promise<void>((resolve) => (entered = resolve))
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const slow: RoutePlugin = async (app) => {
      app.get('/slow', async () => {
        entered()
        await gate
        events.push('request finished')
        return { done: true }
      })
    }
    const handle = await startServer(
      { plugins: [slow], onClose: [async () => void events.push('onClose hook')] },
      { port: 0 }
    )

    const response = fetch(`${handle.url}/slow`)
    await handlerEntered
    let closed = false
    const closing = handle.close().then(() => {
      closed = true
    })
    for (let i = 0; i < 20; i++) await tick()
    expect(closed).toBe(false)
    expect(events).toEqual([])

    release()
    const res = await response
    expect(res.status).toBe(200)
    // The keep-alive connection ends with this answer instead of holding close() up.
    expect(res.headers.get('connection')).toBe('close')
    expect(await res.json()).toEqual({ done: true })
    await closing
    expect(events).toEqual(['request finished', 'onClose hook'])

    await handle.close() // a second close is a no-op
    expect(events).toEqual(['request finished', 'onClose hook'])
    await expect(fetch(`${handle.url}/health`)).rejects.toThrow()
  })
})

describe('isLoopback', () => {
  it('knows loopback addresses and names', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopback(host), host).toBe(true)
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.1', 'example.com', '128.0.0.1']) {
      expect(isLoopback(host), host).toBe(false)
    }
  })
})
