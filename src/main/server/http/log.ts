import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { nowIso } from '../../base/clock'
import { mayHoldKey, redact } from '../../audit/redact'

/**
 * The key server's own logging. Fastify's logger stays off: it would record query strings (`?x-api-key=` carries
 * keys) and, on errors, headers. These entries hold only what is safe: method, path without query, status,
 * duration and the name of the key that authenticated (a label, never the key).
 */
export interface ServedRequest {
  time: string
  method: string
  /** The path only: the query string is dropped, control characters are replaced. */
  path: string
  status: number
  durationMs: number
  /** Who made the request, from `request.logActor` (set by the auth step). */
  keyId?: string
  keyName?: string
  userId?: string
}

/** Identifies a caller in the access log: ids and the key's label, never the key. */
export interface LogActor {
  keyId?: string | null
  keyName?: string | null
  userId?: string | null
}

export interface ErrorLogEntry {
  time: string
  method: string
  path: string
  /** What went wrong, without the thrown error's message unless that message is known to be safe. */
  message: string
}

/** Where the server writes. Every method is optional; a missing one drops its entries. */
export interface ServerLogSink {
  access?(entry: ServedRequest): void
  error?(entry: ErrorLogEntry): void
  warn?(message: string): void
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who authenticated this request, for the access log; the auth step sets it. */
    logActor: LogActor | null
  }
  interface FastifyInstance {
    /** Writes the access entry of an answer made without the hooks (a URL Fastify cannot route). */
    logAnswer: LogAnswer
  }
}

const MAX_PATH = 300

/** Whether a URL may hold a secret (in its query, or a key-like part): pathOnly then has work to do. */
function mayHoldSecret(url: string): boolean {
  return url.includes('?') || mayHoldKey(url)
}

/** The path of a request URL without its query string or fragment, safe to print on one line. */
export function pathOnly(url: string): string {
  const end = url.search(/[?#]/)
  // A key pasted into a path by mistake (`DELETE /api/v1/api_key/sk-…`, or `sk%2D…`) must not reach the log either.
  const path = redact(end === -1 ? url : url.slice(0, end))
  return printable(path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path)
}

/** Replaces control characters so a crafted value cannot forge log lines. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?')
}

export function formatAccessLine(entry: ServedRequest): string {
  const key = entry.keyName ? ` key=${JSON.stringify(redact(entry.keyName))}` : ''
  return `${entry.time} ${entry.method} ${entry.path} ${entry.status} ${entry.durationMs}ms${key}`
}

export function formatErrorLine(entry: ErrorLogEntry): string {
  return `${entry.time} ERROR ${entry.method} ${entry.path}: ${printable(entry.message)}`
}

export function formatWarnLine(time: string, message: string): string {
  return `${time} WARN ${printable(message)}`
}

/**
 * A description of an unexpected error for the log: its class, code and stack frames. The message is left out
 * because errors from libraries may quote their input (a body, a header), which can be a secret.
 */
export function describeUnexpected(err: unknown): string {
  if (!(err instanceof Error)) return `non-error thrown (${typeof err})`
  const code = (err as { code?: unknown }).code
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 8)
    .map((line) => line.trim())
  return [`${err.name}${typeof code === 'string' ? ` (${code})` : ''}`, ...frames].join(' | ')
}

export function logError(log: ServerLogSink, request: FastifyRequest, message: string): void {
  log.error?.({
    time: nowIso(),
    method: request.method,
    path: pathOnly(request.url),
    message
  })
}

/** `fn` remembering its results for up to `max` arguments (forgetting all of them when full). */
function memoized(fn: (text: string) => string, max = 1_000): (text: string) => string {
  let seen = new Map<string, string>()
  return (text) => {
    let result = seen.get(text)
    if (result === undefined) {
      result = fn(text)
      if (seen.size >= max) seen = new Map()
      seen.set(text, result)
    }
    return result
  }
}

/** Writes the access entry of one answer (for answers Fastify makes without running the hooks: a bad URL). */
export type LogAnswer = (request: FastifyRequest, reply: FastifyReply) => void

/** One access entry per answer, to `log.access` (fastify-plugin: every route's answers). */
export const accessLogPlugin = fp<{ log: ServerLogSink }>(
  async (app, { log }) => {
    app.decorate('logAnswer', registerAccessLog(app, log))
  },
  { name: 'flowkeys-access-log', fastify: '5.x' }
)

function registerAccessLog(app: FastifyInstance, log: ServerLogSink): LogAnswer {
  app.decorateRequest('logActor', null)
  if (!log.access) return () => {}
  const access = log.access
  // Clients call the same few paths with the same keys: their cleaned forms are made once. A URL with a query or
  // a key-like part is cleaned every time rather than kept.
  const knownPath = memoized(pathOnly)
  const loggedPath = (url: string): string => (mayHoldSecret(url) ? pathOnly(url) : knownPath(url))
  const keyName = memoized((name) => printable(redact(name)))
  const logAnswer: LogAnswer = (request, reply) => {
    const actor = request.logActor
    // Every field in one literal: each entry then has the same shape, whoever called.
    const entry: ServedRequest = {
      time: nowIso(),
      method: request.method,
      path: loggedPath(request.url),
      status: reply.statusCode,
      // 0 for an answer made before any hook ran (Fastify times only requests that reach them).
      durationMs: Math.round(reply.elapsedTime),
      keyId: actor?.keyId || undefined,
      keyName: actor?.keyName ? keyName(actor.keyName) : undefined,
      userId: actor?.userId || undefined
    }
    access(entry)
  }
  app.addHook('onResponse', (request, reply, done) => {
    logAnswer(request, reply)
    done()
  })
  return logAnswer
}
