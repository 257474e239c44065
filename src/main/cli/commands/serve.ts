import { type Command, InvalidArgumentError } from 'commander'
import { openCore, type Core } from '../../core/open'
import { formatAccessLine, formatErrorLine } from '../../server/http/log'
import { DEFAULT_HOST, DEFAULT_PORT } from '../../server/defaults'
import type { KeyServerOptions } from '../../server/key-server'
import type { StartOptions } from '../../server/start'
import { nonEmpty } from '../args'
import { usageError } from '../exit'
import { terminalText } from '../terminal-text'
import type { CliIO } from '../io'
import type { GlobalOptions } from '../session'

interface ServeOptions {
  host: string
  port: number
  allowRemote?: boolean
  tlsCert?: string
  tlsKey?: string
  behindTlsProxy?: boolean
}

/** Waits for the request to stop the server; `dispose` removes whatever the waiting installed. */
export interface StopWaiter {
  /** Resolves with what asked to stop (a signal name). */
  stopped: Promise<string>
  dispose(): void
}

/** Starts waiting for a stop request; called once, before the server starts, so no early signal is lost. */
export type StopRequest = () => StopWaiter

const SERVE_HELP = `
Serves Langflow's REST API for API keys, global variables, login and users, FlowKeys' credential
endpoints for flows (and the docs at /docs) until Ctrl+C or SIGTERM,
which stops it cleanly: requests in flight finish and key usage counters are saved. Access lines (method, path
without its query, status, key name) go to stdout and to <data-dir>/access.log; never a key or a token.

Only 127.0.0.1 by default. Another address needs --allow-remote: anyone who can reach it and holds a key can
read secrets. Keys never cross a network in clear: a non-loopback --host also needs HTTPS (--tls-cert and
--tls-key, PEM files read at start; works on loopback too), or --behind-tls-proxy, which states that a
TLS-terminating proxy is in front and the only client (plain HTTP then, with a warning). Every request needs an
API key or a login: auto-login (LANGFLOW_AUTO_LOGIN) is for the app, and GET /api/v1/auto_login hands out a
token only with FLOWKEYS_HTTP_AUTO_LOGIN=true (SECURITY.md).

Exit codes: 0 stopped cleanly, 1 the server could not start (e.g. the port is in use, a certificate or key that
cannot be read or do not match, a non-loopback --host without TLS or --behind-tls-proxy), 2 bad usage (including
a non-loopback --host without --allow-remote).

Examples:
  $ flowkeys serve
  $ flowkeys serve --port 7862 --data-dir ./flowkeys-data
  $ flowkeys serve --host 10.0.0.5 --allow-remote \\
      --tls-cert cert.pem --tls-key key.pem
  $ flowkeys serve --host 10.0.0.5 --allow-remote --behind-tls-proxy
  $ LANGFLOW_AUTO_LOGIN=false flowkeys serve`

/** `--port`: 0–65535 (0 picks a free port). */
export function parsePort(text: string): number {
  const port = /^\s*\d{1,5}\s*$/.test(text) ? Number(text) : NaN
  if (!Number.isInteger(port) || port > 65535)
    throw new InvalidArgumentError('Use a port number from 0 to 65535 (0 picks a free one).')
  return port
}

/** What an auto-login caller cannot do, in the words the banner and the warnings use. */
const UNPROVEN_LIMITS = 'it reads no secret value, makes no API key and manages no user'

/** How clients reach the server, for the banner. */
export interface Transport {
  /** The certificate file when the server speaks HTTPS. */
  tlsCert?: string
  /** The operator stated that a TLS-terminating proxy is in front. */
  behindTlsProxy?: boolean
  /** Bound to a non-loopback address. */
  remote?: boolean
}

/** The banner's TLS line: whether keys and secrets travel encrypted, and between what. */
export function tlsState({ tlsCert, behindTlsProxy, remote }: Transport): string {
  if (tlsCert !== undefined) return `TLS: on, HTTPS with the certificate in ${tlsCert}`
  if (behindTlsProxy)
    return remote
      ? 'TLS: off here, plain HTTP for the TLS-terminating proxy in front (--behind-tls-proxy), which must be its only client'
      : 'TLS: off here, plain HTTP on loopback for the TLS-terminating proxy in front (--behind-tls-proxy)'
  return 'TLS: off, plain HTTP on loopback (this machine only; --tls-cert and --tls-key serve HTTPS)'
}

/**
 * What the server enforces, as the banner states it: who the superuser is, whether the connection is encrypted
 * (given the transport), what a caller without a credential gets, and whether anyone may sign up. Each line is
 * true of the code (SECURITY.md).
 */
export function securityState(core: Pick<Core, 'settings'>, transport?: Transport): string[] {
  const { autoLogin, skipAuthAutoLogin, httpAutoLogin, enableSignup, superuser } = core.settings
  const lines = [`Superuser: ${superuser}`]
  if (transport) lines.push(tlsState(transport))
  if (!autoLogin) lines.push('Access: an API key or a password login on every request (auto-login off)')
  else if (skipAuthAutoLogin)
    lines.push(
      `Access: requests without an API key act as the superuser (LANGFLOW_SKIP_AUTH_AUTO_LOGIN), but ${UNPROVEN_LIMITS}`
    )
  else lines.push('Access: an API key or a password login on every request')
  if (autoLogin && httpAutoLogin)
    lines.push(
      `Auto-login over HTTP: on (FLOWKEYS_HTTP_AUTO_LOGIN); its sessions are limited: ${UNPROVEN_LIMITS}`
    )
  else lines.push('Auto-login over HTTP: off (GET /api/v1/auto_login hands out no token)')
  lines.push(
    autoLogin
      ? 'Sign-up: closed (auto-login is on)'
      : enableSignup
        ? 'Sign-up: open, at most 10 a minute; new accounts wait for a superuser to activate them'
        : 'Sign-up: closed (LANGFLOW_ENABLE_SIGNUP=false)'
  )
  return lines
}

/**
 * Start-up warnings for the settings that let a caller in without proof. (The server itself warns about a
 * non-loopback bind, plain HTTP behind a proxy and a certificate clients will refuse: see server/start.ts.)
 */
export function securityWarnings(core: Pick<Core, 'settings'>): string[] {
  const { autoLogin, skipAuthAutoLogin, httpAutoLogin } = core.settings
  const warnings: string[] = []
  if (autoLogin && skipAuthAutoLogin)
    warnings.push(
      `LANGFLOW_SKIP_AUTH_AUTO_LOGIN=true: any local process acts as the superuser without a key (${UNPROVEN_LIMITS})`
    )
  if (autoLogin && httpAutoLogin)
    warnings.push(
      `FLOWKEYS_HTTP_AUTO_LOGIN=true: any local process gets a superuser session from /api/v1/auto_login (${UNPROVEN_LIMITS})`
    )
  return warnings
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const

/** SIGINT or SIGTERM; a second one while stopping ends the process at once. */
export function processStopRequest(io: CliIO): StopRequest {
  return () => {
    let resolve: (signal: string) => void = () => undefined
    const stopped = new Promise<string>((r) => (resolve = r))
    let received = false
    const onSignal = (signal: string) => {
      if (received) {
        io.err('flowkeys: stopped without waiting for requests in flight')
        process.exit(1)
      }
      received = true
      resolve(signal)
    }
    for (const signal of SIGNALS) process.on(signal, onSignal)
    return {
      stopped,
      dispose: () => {
        for (const signal of SIGNALS) process.off(signal, onSignal)
      }
    }
  }
}

async function serve(io: CliIO, command: Command, options: ServeOptions, stop: StopRequest): Promise<void> {
  const globals = command.optsWithGlobals<GlobalOptions>()
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined))
    throw usageError(
      '--tls-cert and --tls-key go together: give the certificate file and its private key file'
    )
  const waiter = stop()
  try {
    await run(io, globals, options, waiter.stopped)
  } finally {
    waiter.dispose()
  }
}

async function run(
  io: CliIO,
  { dataDir, databaseUrl }: GlobalOptions,
  options: ServeOptions,
  stopped: Promise<string>
): Promise<void> {
  // The core repeats some warnings per request (LANGFLOW_SKIP_AUTH_AUTO_LOGIN); once each is enough here.
  const warned = new Set<string>()
  const warn = (message: string) => {
    if (warned.has(message)) return
    warned.add(message)
    io.err(terminalText(`flowkeys: warning: ${message}`))
  }
  const core = await openCore({ dataDir, databaseUrl, env: io.env, warn, followVaultKey: true })
  let handle
  let remote: boolean
  try {
    // Loaded here so that every other command starts without Fastify and its plugins.
    const [{ startKeyServer }, { isLoopback }] = await Promise.all([
      import('../../server/key-server'),
      import('../../server/start')
    ])
    remote = !isLoopback(options.host)
    // startKeyServer hands every option on to startServer, TLS ones included.
    const serverOptions: KeyServerOptions & Pick<StartOptions, 'tls' | 'behindTlsProxy'> = {
      host: options.host,
      port: options.port,
      allowRemote: options.allowRemote === true,
      tls:
        options.tlsCert !== undefined && options.tlsKey !== undefined
          ? { certFile: options.tlsCert, keyFile: options.tlsKey }
          : undefined,
      behindTlsProxy: options.behindTlsProxy === true,
      log: {
        access: (entry) => io.out(terminalText(formatAccessLine(entry))),
        error: (entry) => io.err(terminalText(formatErrorLine(entry))),
        warn
      }
    }
    handle = await startKeyServer(core, serverOptions)
  } catch (err) {
    await core.close().catch(() => undefined)
    throw err
  }

  const keys = (await core.keys.list(core.superuser())).total_count
  io.out(`FlowKeys key server listening on ${handle.url}`)
  const transport = { tlsCert: options.tlsCert, behindTlsProxy: options.behindTlsProxy === true, remote }
  for (const line of securityState(core, transport)) io.out(terminalText(line))
  for (const warning of securityWarnings(core)) warn(warning)
  if (keys === 0 && !core.settings.skipAuthAutoLogin)
    io.out('No API key yet for the superuser: create one with `flowkeys api-key`.')
  io.out(`API docs: ${handle.url}/docs`)
  io.out(terminalText(`Data directory: ${core.dataDir}`))
  if (core.store.location.kind === 'postgres')
    io.out(terminalText(`Team store: PostgreSQL ${core.store.location.where}`))
  io.out('Press Ctrl+C to stop.')

  const signal = await stopped
  io.out(`Stopping (${signal})…`)
  await handle.close()
  await core.close()
  io.out('Stopped.')
}

/**
 * `flowkeys serve`. Register with the other families: `registerServe(program, io)`. `stop` decides when the
 * server ends (the process's signals unless a test gives its own).
 */
export function registerServe(program: Command, io: CliIO, stop: StopRequest = processStopRequest(io)): void {
  program
    .command('serve')
    .description("Run the local key server (Langflow's API for API keys, variables, login and users)")
    .option('--host <host>', 'the address to listen on', nonEmpty, DEFAULT_HOST)
    .option('--port <port>', 'the port to listen on (0 picks a free one)', parsePort, DEFAULT_PORT)
    .option('--allow-remote', 'allow a --host other than loopback (reachable from other machines)')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM; with --tls-key)', nonEmpty)
    .option('--tls-key <file>', "the certificate's private key (PEM, unencrypted; with --tls-cert)", nonEmpty)
    .option(
      '--behind-tls-proxy',
      'a TLS-terminating proxy is in front: allows plain HTTP on a non-loopback --host (with a warning)'
    )
    .addHelpText('after', SERVE_HELP)
    .action((options: ServeOptions, command: Command) => serve(io, command, options, stop))
}
