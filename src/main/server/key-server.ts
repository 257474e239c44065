// The key server as FlowKeys runs it, from `flowkeys serve` and inside the desktop app alike: the route families
// bound to the core, the health check on the store, usage counters flushed on close, and every request written
// to the core's access log (method, path without query, status, key id and name: never the key).
import { flowkeysRoutes } from './routes/flowkeys'
import { gatewayRoutes } from './routes/gateway'
import { variableRoutes } from './routes/variables'
import type { AccessLog } from '../audit/access-log'
import type { Core } from '../core/open'
import type { RoutePlugin, ServerDeps } from './app'
import { authPlugin } from './guards/auth'
import type { ServerLogSink } from './http/log'
import type { FailureLimiter } from '../base/failure-limiter'
import { apiKeyRoutes } from './routes/api-keys'
import { loginRoutes } from './routes/login'
import { userRoutes } from './routes/users'
import { type ServerHandle, type StartOptions, startServer } from './start'

export interface KeyServerOptions {
  /** 127.0.0.1 unless told otherwise; another address needs allowRemote. */
  host?: string
  /** 7861 by default; 0 picks a free port (the handle tells which). */
  port?: number
  allowRemote?: boolean
  /** HTTPS certificate and key files (see start.ts). */
  tls?: StartOptions['tls']
  /** A TLS-terminating proxy is in front: plain HTTP on a non-loopback address is allowed. */
  behindTlsProxy?: boolean
  /** Web origins allowed to call the API from a browser (they get CORS headers). */
  allowedOrigins?: string[]
  /** Extra names clients may use in the Host header (see hardening.ts). */
  allowedHosts?: string[]
  /** Also receives each entry (after the access log): `flowkeys serve` prints them; warnings and errors too. */
  log?: ServerLogSink
  /** Shown in the OpenAPI document. */
  version?: string
  failureLimiter?: FailureLimiter
  /** How to tell the user to choose another port (see start.ts; `flowkeys serve`'s words by default). */
  portAdvice?: StartOptions['portAdvice']
}

/** The route families, in registration order. The auth plugin comes first: the others use its hooks. */
export function keyServerRoutes(core: Core): RoutePlugin[] {
  return [
    authPlugin(core.auth),
    apiKeyRoutes(core),
    loginRoutes(core),
    userRoutes(core),
    variableRoutes(core),
    flowkeysRoutes(core),
    gatewayRoutes(core)
  ]
}

export function keyServerDeps(core: Core): ServerDeps {
  return {
    plugins: keyServerRoutes(core),
    checkDb: () => core.store.check().then(() => true),
    onClose: [() => core.keys.flushUsage()]
  }
}

/** Writes each finished request into the access log, then hands every entry to `also`. */
export function accessLogSink(accessLog: AccessLog, also: ServerLogSink = {}): ServerLogSink {
  return {
    access: (entry) => {
      accessLog.recordRequest(entry)
      also.access?.(entry)
    },
    error: (entry) => also.error?.(entry),
    warn: (message) => also.warn?.(message)
  }
}

/**
 * Starts the key server for `core` (contract §1, §2, §4). Before listening it imports the environment's
 * variables for the superuser, as Langflow does at start (contract §3). Close the handle before `core.close()`.
 */
export async function startKeyServer(core: Core, options: KeyServerOptions = {}): Promise<ServerHandle> {
  await core.importEnvironment()
  const { log, ...rest } = options
  return startServer(keyServerDeps(core), { ...rest, log: accessLogSink(core.accessLog, log) })
}
