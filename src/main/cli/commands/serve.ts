import { type Command, InvalidArgumentError } from 'commander'
import { openCore, type Core } from '../../core/open'
import { formatAccessLine, formatErrorLine } from '../../server/http/log'
import { DEFAULT_HOST, DEFAULT_PORT } from '../../server/defaults'
import { nonEmpty } from '../args'
import { terminalText } from '../terminal-text'
import type { CliIO } from '../io'
import type { GlobalOptions } from '../session'

interface ServeOptions {
  host: string
  port: number
  allowRemote?: boolean
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
read secrets. Every request needs an API key or a login: auto-login (LANGFLOW_AUTO_LOGIN) is for the app, and
GET /api/v1/auto_login hands out a token only with FLOWKEYS_HTTP_AUTO_LOGIN=true (SECURITY.md).

Exit codes: 0 stopped cleanly, 1 the server could not start (e.g. the port is in use), 2 bad usage (including a
non-loopback --host without --allow-remote).

Examples:
  $ flowkeys serve
  $ flowkeys serve --port 7862 --data-dir ./flowkeys-data
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

/**
 * What the server enforces, as the banner states it: who the superuser is, what a caller without a credential
 * gets, and whether anyone may sign up. Each line is true of the code (SECURITY.md).
 */
export function securityState(core: Pick<Core, 'settings'>): string[] {
  const { autoLogin, skipAuthAutoLogin, httpAutoLogin, enableSignup, superuser } = core.settings
  const lines = [`Superuser: ${superuser}`]
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

/** Start-up warnings for the settings that let a caller in without proof. */
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
  const { dataDir } = command.optsWithGlobals<GlobalOptions>()
  const waiter = stop()
  try {
    await run(io, dataDir, options, waiter.stopped)
  } finally {
    waiter.dispose()
  }
}

async function run(
  io: CliIO,
  dataDir: string | undefined,
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
  const core = await openCore({ dataDir, env: io.env, warn })
  let handle
  try {
    // Loaded here so that every other command starts without Fastify and its plugins.
    const { startKeyServer } = await import('../../server/key-server')
    handle = await startKeyServer(core, {
      host: options.host,
      port: options.port,
      allowRemote: options.allowRemote === true,
      log: {
        access: (entry) => io.out(terminalText(formatAccessLine(entry))),
        error: (entry) => io.err(terminalText(formatErrorLine(entry))),
        warn
      }
    })
  } catch (err) {
    await core.close().catch(() => undefined)
    throw err
  }

  const keys = core.keys.list(core.superuser()).total_count
  io.out(`FlowKeys key server listening on ${handle.url}`)
  for (const line of securityState(core)) io.out(terminalText(line))
  for (const warning of securityWarnings(core)) warn(warning)
  if (keys === 0 && !core.settings.skipAuthAutoLogin)
    io.out('No API key yet for the superuser: create one with `flowkeys api-key`.')
  io.out(`API docs: ${handle.url}/docs`)
  io.out(terminalText(`Data directory: ${core.dataDir}`))
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
    .addHelpText('after', SERVE_HELP)
    .action((options: ServeOptions, command: Command) => serve(io, command, options, stop))
}
