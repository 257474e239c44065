import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { type AddressInfo, isIP } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { Forbidden, Invalid, Unavailable } from '../base/errors'
import { buildServer, type ServerDeps, type ServerOptions, type TlsMaterial } from './app'
import { hostForHeader, isLoopback } from './guards/hardening'

export { isLoopback }
import { DEFAULT_HOST, DEFAULT_PORT } from './defaults'

/** The operator's certificate and private key files (PEM), read when the server starts. */
export interface TlsFiles {
  /** The certificate, optionally followed by its chain. */
  certFile: string
  /** Its private key, unencrypted. */
  keyFile: string
}

export interface StartOptions extends Omit<ServerOptions, 'https'> {
  host?: string
  /** 0 picks a free port; `ServerHandle.port` and `url` tell which. */
  port?: number
  /** Bind a non-loopback address. Off by default: the server hands out secrets. */
  allowRemote?: boolean
  /** Serve HTTPS with these files. A non-loopback bind needs this or behindTlsProxy: keys never cross a network in clear. */
  tls?: TlsFiles
  /**
   * The operator states that a TLS-terminating proxy is in front: a non-loopback bind may then serve plain HTTP
   * (with a warning), for the proxy alone to reach.
   */
  behindTlsProxy?: boolean
  /** How the face tells its user to choose another port, when the port is taken or not allowed. */
  portAdvice?: PortAdvice
}

export interface PortAdvice {
  inUse: string
  notAllowed: string
}

/** `flowkeys serve`'s words; the app points at its Port field instead (ipc/key-server.ts). */
const CLI_PORT_ADVICE: PortAdvice = {
  inUse: 'stop the other server or pick another with --port',
  notAllowed: 'pick another with --port'
}

export interface ServerHandle {
  /** `http://127.0.0.1:7861` (`https://` with TLS), with the real port. */
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
  if (remote && !options.tls && !options.behindTlsProxy) {
    throw new Forbidden(
      `Refusing to listen on ${host} over plain HTTP: keys would cross the network in clear; serve HTTPS with --tls-cert FILE --tls-key FILE, or pass --behind-tls-proxy if a TLS-terminating proxy is in front`
    )
  }
  // Read and checked before anything listens: a bad pair is one line naming the file, never a TLS error per client.
  const tls = options.tls ? loadTls(options.tls) : undefined
  const { tls: _files, behindTlsProxy: _proxy, portAdvice = CLI_PORT_ADVICE, ...serverOptions } = options

  // Clients reach a remote bind by its address: accept it in Host (a wildcard bind needs allowedHosts instead).
  const allowedHosts = [...(options.allowedHosts ?? [])]
  if (remote && !isWildcard(host)) allowedHosts.push(host)
  // The hardening knows the server's own origins as http://; pages it serves over HTTPS (/docs) send https://.
  // Known only for a fixed port (port 0 picks one when listening).
  const allowedOrigins = [...(options.allowedOrigins ?? [])]
  if (tls && port !== 0) {
    const names = [
      '127.0.0.1',
      'localhost',
      '[::1]',
      ...(remote && !isWildcard(host) ? [hostForHeader(host)] : [])
    ]
    allowedOrigins.push(...names.map((name) => `https://${name}:${port}`))
  }
  const app = await buildServer(deps, {
    ...serverOptions,
    allowedHosts,
    allowedOrigins,
    https: tls && { cert: tls.cert, key: tls.key }
  })

  try {
    await app.listen({ host: host.replace(/^\[|\]$/g, ''), port })
  } catch (err) {
    await app.close().catch(() => undefined)
    throw listenError(err, host, port, portAdvice)
  }
  if (remote) {
    options.log?.warn?.(
      `The key server listens on ${host}, reachable from other machines: anyone who can reach it and holds a key can read secrets`
    )
    if (!tls) {
      options.log?.warn?.(
        `The key server speaks plain HTTP on ${host} (--behind-tls-proxy): only the TLS-terminating proxy in front may reach it; anything else on the way reads keys and secrets in clear`
      )
    }
  }
  if (tls && options.tls) {
    for (const warning of certificateWarnings(tls.certificate, options.tls.certFile, host))
      options.log?.warn?.(warning)
  }

  const actualPort = (app.server.address() as AddressInfo).port
  const urlHost = isWildcard(host) ? DEFAULT_HOST : hostForHeader(host)
  let closing: Promise<void> | undefined
  return {
    url: `${tls ? 'https' : 'http'}://${urlHost}:${actualPort}`,
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

function listenError(err: unknown, host: string, port: number, advice: PortAdvice): Error {
  const code = (err as { code?: unknown }).code
  if (code === 'EADDRINUSE')
    return new Unavailable(`Port ${port} on ${host} is already in use: ${advice.inUse}`)
  if (code === 'EACCES')
    return new Unavailable(`Not allowed to listen on port ${port} on ${host}: ${advice.notAllowed}`)
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new Invalid(`Cannot listen on ${host}: this machine has no such address`)
  }
  return err instanceof Error ? err : new Error(String(err))
}

/** The certificate and key as read, checked to be a pair. */
export interface LoadedTls extends TlsMaterial {
  certificate: X509Certificate
}

/**
 * Reads the operator's certificate and key and checks that they are a pair. Each failure is one line naming the
 * file (Unavailable: the server cannot start), and never quotes the file's content: the key is a secret.
 */
export function loadTls({ certFile, keyFile }: TlsFiles): LoadedTls {
  const cert = readTlsFile(certFile, 'certificate')
  const key = readTlsFile(keyFile, 'key')
  // PEM only: X509Certificate would take DER too, which the TLS server then refuses.
  let certificate: X509Certificate | undefined
  try {
    if (cert.includes('-----BEGIN CERTIFICATE-----')) certificate = new X509Certificate(cert)
  } catch {
    certificate = undefined
  }
  if (!certificate) throw new Unavailable(`The TLS certificate file ${certFile} holds no PEM certificate`)
  // Told apart by its PEM label (PKCS#8 or OpenSSL's traditional form): OpenSSL's own error only says it gave up.
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type:\s*4,ENCRYPTED/m.test(key.toString('latin1'))) {
    throw new Unavailable(`The TLS key file ${keyFile} is encrypted: give the key without a passphrase`)
  }
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(key)
  } catch {
    throw new Unavailable(`The TLS key file ${keyFile} holds no PEM private key`)
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new Unavailable(`The TLS key file ${keyFile} does not match the certificate in ${certFile}`)
  }
  return { cert, key, certificate }
}

function readTlsFile(file: string, what: 'certificate' | 'key'): Buffer {
  try {
    return readFileSync(file)
  } catch (err) {
    const code = (err as { code?: unknown }).code
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a folder'
            : typeof code === 'string'
              ? code
              : 'unreadable'
    throw new Unavailable(`Cannot read the TLS ${what} file ${file}: ${why}`)
  }
}

/** What clients will refuse about the certificate: out of its dates, or not naming the address they connect to. */
function certificateWarnings(certificate: X509Certificate, certFile: string, host: string): string[] {
  const warnings: string[] = []
  const now = Date.now()
  if (now > new Date(certificate.validTo).getTime())
    warnings.push(
      `The TLS certificate in ${certFile} expired on ${certificate.validTo}: clients will refuse it`
    )
  else if (now < new Date(certificate.validFrom).getTime())
    warnings.push(
      `The TLS certificate in ${certFile} is not valid before ${certificate.validFrom}: clients will refuse it`
    )
  const bare = host.replace(/^\[|\]$/g, '')
  if (!isWildcard(host)) {
    const named = isIP(bare) ? certificate.checkIP(bare) : certificate.checkHost(bare)
    if (named === undefined)
      warnings.push(
        `The TLS certificate in ${certFile} does not name ${host}: clients connecting to it by that address will refuse it`
      )
  }
  return warnings
}
