import type { ServerResponse } from 'node:http'
import { type AddressInfo, isIP, type Socket } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isLoopback } from '../../base/loopback'

/**
 * The key server answers with secrets, so it trusts neither web pages nor other machines:
 * - the Host header must name this server on loopback (defeats DNS rebinding: a page on evil.example resolving
 *   to 127.0.0.1 sends `Host: evil.example:7861`);
 * - an Origin header must be this server's own origin or one the user allowed (defeats cross-site requests,
 *   which browsers always mark with Origin when they carry a body or a non-simple method);
 * - CORS headers are sent only to the allowed origins.
 */
export interface HardeningOptions {
  /** Extra names clients may use in Host (with allow-remote: the machine's name or address), without port. */
  allowedHosts?: string[]
  /** Web origins allowed to call the API from a browser (`http://localhost:3000`); they get CORS headers. */
  allowedOrigins?: string[]
}

/** Request and socket limits: small bodies, and no connection kept open by a slow or silent client. */
export const LIMITS = {
  bodyLimit: 1024 * 1024,
  /** Whole request, headers and body. */
  requestTimeout: 30_000,
  /** Headers alone; must stay below requestTimeout. */
  headersTimeout: 10_000,
  /** Idle socket. */
  connectionTimeout: 60_000,
  keepAliveTimeout: 5_000
} as const

export { isLoopback }

export const INVALID_HOST = 'Invalid host header'
export const ORIGIN_NOT_ALLOWED = 'Origin not allowed'

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]']
const CORS_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS'
const CORS_DEFAULT_HEADERS = 'authorization, content-type, x-api-key'

/** `http://LOCALHOST:3000/` → `http://localhost:3000`; null for something that is not an http(s) origin. */
export function normalizeOrigin(origin: string): string | null {
  try {
    const url = new URL(origin)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
    return url.origin
  } catch {
    return null
  }
}

/** Host names as they appear in a Host header: IPv6 addresses in brackets, lowercase. */
export function hostForHeader(host: string): string {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  return isIP(bare) === 6 ? `[${bare}]` : bare
}

/** An allowedHosts entry that already names a port (`flowkeys.lan:8080`, `[fe80::1]:8080`) is matched as is. */
function hasPort(host: string): boolean {
  return /^\[.*\]:\d+$/.test(host) || (isIP(host) !== 6 && /:\d+$/.test(host))
}

/** Host/Origin checks, safety headers and CORS for the allowed origins, on every request (fastify-plugin: root). */
export const hardeningPlugin = fp<HardeningOptions>(async (app, options) => registerHardening(app, options), {
  name: 'flowkeys-hardening',
  fastify: '5.x'
})

function registerHardening(app: FastifyInstance, options: HardeningOptions): void {
  const extras = (options.allowedHosts ?? []).map((host) => host.trim().toLowerCase()).filter(Boolean)
  const extraWithPort = new Set(extras.filter(hasPort))
  const extraHosts = extras.filter((host) => !hasPort(host)).map(hostForHeader)
  const corsOrigins = new Set(
    (options.allowedOrigins ?? []).map(normalizeOrigin).filter((o): o is string => o !== null)
  )

  // The port is known only once listening (port 0 picks one); `inject` in unit tests uses Host localhost:80.
  let cachedPort: number | undefined
  const port = (): number => {
    if (cachedPort !== undefined) return cachedPort
    const address = app.server.address() as AddressInfo | string | null
    if (address && typeof address === 'object') return (cachedPort = address.port)
    return 80
  }
  // Host values allowed for the port the server listens on (known once it listens: the set is made then).
  let hostsForPort: { port: number; hosts: Set<string> } | undefined
  const allowedHost = (host: string): boolean => {
    const p = port()
    if (hostsForPort?.port !== p) {
      const names = [...LOOPBACK_NAMES, ...extraHosts].map((name) => `${name}:${p}`)
      hostsForPort = { port: p, hosts: new Set([...names, ...extraWithPort]) }
    }
    // Clients send the name as written in their URL, almost always in lowercase already.
    return hostsForPort.hosts.has(host) || hostsForPort.hosts.has(host.toLowerCase())
  }
  const ownOrigin = (origin: string): boolean => {
    const p = port()
    return LOOPBACK_NAMES.some((name) => origin === `http://${name}:${p}`)
  }

  // A callback hook, not an async one: it runs on every request, and an async hook costs a promise each time.
  app.addHook('onRequest', (request, reply, done) => {
    setSafetyHeaders(reply)
    // A refused request (or a CORS preflight) is answered here; done() would run the route as well.
    if (!answeredEarly(request, reply)) done()
  })

  // A keep-alive connection whose request is in flight when close() begins would stay open until the client
  // drops it, holding close() up: those answers get `Connection: close`, so each socket ends with its response
  // (Fastify marks the requests that arrive later so itself). The sockets are tracked per connection, not per
  // request: the request path stays free of this.
  const sockets = new Set<Socket>()
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  app.addHook('preClose', async () => {
    for (const socket of sockets) {
      // The answer being made on this socket (Node's own closeIdleConnections reads the same field).
      const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
      if (response && !response.headersSent) response.setHeader('connection', 'close')
    }
  })

  function answeredEarly(request: FastifyRequest, reply: FastifyReply): boolean {
    const host = request.headers.host
    if (typeof host !== 'string' || !allowedHost(host)) {
      reply.code(403).send({ detail: INVALID_HOST })
      return true
    }

    const originHeader = request.headers.origin
    if (originHeader !== undefined) {
      const origin = normalizeOrigin(originHeader)
      const isOwn = origin !== null && ownOrigin(origin)
      const isCors = origin !== null && corsOrigins.has(origin)
      if (!isOwn && !isCors) {
        reply.code(403).send({ detail: ORIGIN_NOT_ALLOWED })
        return true
      }
      if (isCors && origin !== null) {
        setCorsHeaders(reply, origin)
        if (isPreflight(request)) {
          answerPreflight(request, reply)
          return true
        }
      }
    } else if (fromAnotherSite(request.headers['sec-fetch-site'])) {
      // A browser that sends no Origin (a GET, an image, a link) still marks a request another page made. Every
      // method is refused: a GET with ?x-api-key= costs the failed-attempt budget too.
      reply.code(403).send({ detail: ORIGIN_NOT_ALLOWED })
      return true
    }
    return false
  }
}

/**
 * Answers can hold keys and variable values: never cached, never type-sniffed. Set when a request arrives, so that
 * every answer has them, refusals and errors included. Referrer-Policy goes on documents only (setDocumentHeaders).
 */
export function setSafetyHeaders(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store')
  reply.header('x-content-type-options', 'nosniff')
}

/** For the pages a browser renders (Swagger UI): its links and requests never carry the page's URL away. */
export function setDocumentHeaders(reply: FastifyReply): void {
  reply.header('referrer-policy', 'no-referrer')
}

/** Sec-Fetch-Site of a request another web page made: another site, or another port of this host. */
function fromAnotherSite(site: string | string[] | undefined): boolean {
  return site === 'cross-site' || site === 'same-site'
}

function isPreflight(request: FastifyRequest): boolean {
  return request.method === 'OPTIONS' && typeof request.headers['access-control-request-method'] === 'string'
}

function setCorsHeaders(reply: FastifyReply, origin: string): void {
  reply.header('access-control-allow-origin', origin)
  // Cookie login (`access_token_lf`) needs credentials; they are safe because the origin is echoed, never `*`.
  reply.header('access-control-allow-credentials', 'true')
  reply.header('vary', 'Origin')
}

function answerPreflight(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const asked = request.headers['access-control-request-headers']
  return reply
    .code(204)
    .header('access-control-allow-methods', CORS_METHODS)
    .header(
      'access-control-allow-headers',
      typeof asked === 'string' && asked !== '' ? asked : CORS_DEFAULT_HEADERS
    )
    .header('access-control-max-age', '600')
    .send()
}
