import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { Invalid, Unavailable } from '../base/errors'
import { buildServer, type ServerDeps, type ServerOptions } from './app'
import { hostForHeader, isLoopback } from './guards/hardening'

export { isLoopback }
import { DEFAULT_HOST, DEFAULT_PORT } from './defaults'

export interface StartOptions extends ServerOptions {
  host?: string
  /** 0 picks a free port; `ServerHandle.port` and `url` tell which. */
  port?: number
  /** Bind a non-loopback address. Off by default: the server hands out secrets. */
  allowRemote?: boolean
}

export interface ServerHandle {
  /** `http://127.0.0.1:7861`, with the real port. */
  url: string
  port: number
  /** The Fastify instance, for tests and for the faces that need `inject`. */
  app: FastifyInstance
  /**
   * Stops accepting connections, waits for requests in flight (at most 2 s, then drops what is still open), then
   * runs the `onClose` hooks. Idempotent.
   */
  close(): Promise<void>
}

function isWildcard(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '')
  return bare === '0.0.0.0' || bare === '::'
}

export async function startServer(deps: ServerDeps, options: StartOptions = {}): Promise<ServerHandle> {
  const host = options.host ?? DEFAULT_HOST
  const port = options.port ?? DEFAULT_PORT
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Invalid(`Invalid port ${port}: pick a number from 1 to 65535 (0 picks a free one)`)
  }
  const remote = !isLoopback(host)
  if (remote && !options.allowRemote) {
    throw new Invalid(
      `Refusing to listen on ${host}: the key server serves secrets; pass --allow-remote to bind a non-loopback address`
    )
  }

  // Clients reach a remote bind by its address: accept it in Host (a wildcard bind needs allowedHosts instead).
  const allowedHosts = [...(options.allowedHosts ?? [])]
  if (remote && !isWildcard(host)) allowedHosts.push(host)
  const app = await buildServer(deps, { ...options, allowedHosts })

  try {
    await app.listen({ host: host.replace(/^\[|\]$/g, ''), port })
  } catch (err) {
    await app.close().catch(() => undefined)
    throw listenError(err, host, port)
  }
  if (remote) {
    options.log?.warn?.(
      `The key server listens on ${host}, reachable from other machines: anyone who can reach it and holds a key can read secrets`
    )
  }

  const actualPort = (app.server.address() as AddressInfo).port
  const urlHost = isWildcard(host) ? DEFAULT_HOST : hostForHeader(host)
  let closing: Promise<void> | undefined
  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    app,
    close: () => (closing ??= closeWithin(app, CLOSE_GRACE_MS))
  }
}

/** How long requests in flight may take to finish once the server closes; then every connection is dropped. */
const CLOSE_GRACE_MS = 2_000

/**
 * Fastify's close waits for every open connection, and a socket that connected and sent nothing is not idle to
 * Node (forceCloseConnections: 'idle' leaves it): one such socket held close() for the 60 s connection timeout.
 */
function closeWithin(app: FastifyInstance, graceMs: number): Promise<void> {
  const timer = setTimeout(() => app.server.closeAllConnections(), graceMs)
  timer.unref()
  return app.close().finally(() => clearTimeout(timer))
}

function listenError(err: unknown, host: string, port: number): Error {
  const code = (err as { code?: unknown }).code
  if (code === 'EADDRINUSE') {
    return new Unavailable(
      `Port ${port} on ${host} is already in use: stop the other server or pick another with --port`
    )
  }
  if (code === 'EACCES')
    return new Unavailable(`Not allowed to listen on port ${port} on ${host}: pick another with --port`)
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new Invalid(`Cannot listen on ${host}: this machine has no such address`)
  }
  return err instanceof Error ? err : new Error(String(err))
}
