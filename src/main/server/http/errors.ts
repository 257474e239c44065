import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyInstance } from 'fastify'
import {
  type ErrorDetail,
  type ErrorKind,
  type FlowKeysError,
  isFlowKeysError,
  RateLimited,
  Unauthorized
} from '../../base/errors'
import { describeUnexpected, logError, type ServerLogSink } from './log'
import { RequestValidationError } from './validation'

/**
 * The one place where errors become HTTP answers. Bodies are FastAPI's: always `{"detail": ...}`.
 */
export const STATUS_OF_KIND: Record<ErrorKind, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  Invalid: 422,
  TooLarge: 413,
  RateLimited: 429,
  Unavailable: 503,
  Corrupt: 500,
  UpstreamFailed: 502,
  UpstreamTimeout: 504,
  Internal: 500
}

/** A 401 that asks for a Bearer token, as Langflow answers every failed JWT check. */
export function bearerUnauthorized(message: string): Unauthorized {
  return new Unauthorized(message, { scheme: 'Bearer' } satisfies ErrorDetail)
}

export interface HttpError {
  status: number
  body: { detail: unknown }
  headers: Record<string, string>
  /** True when the error was not foreseen: it is logged and its content is not shown. */
  unexpected: boolean
  /** What the server's log says instead of the body, when the body must not say it (a file's path). */
  logged?: string
}

/** A store or vault that cannot be read: the caller learns that much, the log where and why. */
export const DATA_UNREADABLE = "FlowKeys' data cannot be read; the key server's log says why"

export const INTERNAL_ERROR: HttpError = {
  status: 500,
  body: { detail: 'Internal Server Error' },
  headers: {},
  unexpected: true
}

export const BODY_TOO_LARGE = 'Request body is too large (the limit is 1 MiB)'

/** Maps anything thrown while handling a request to its answer. Pure. */
export function toHttpError(err: unknown): HttpError {
  if (isFlowKeysError(err)) return fromCoreError(err)
  if (err instanceof RequestValidationError) {
    return { status: 422, body: { detail: err.items }, headers: {}, unexpected: false }
  }
  if (isFastifyClientError(err)) {
    const status = err.statusCode
    if (status === 413) return { status, body: { detail: BODY_TOO_LARGE }, headers: {}, unexpected: false }
    // Fastify's own messages can quote the request; the standard reason phrase cannot.
    return { status, body: { detail: STATUS_CODES[status] ?? 'Bad Request' }, headers: {}, unexpected: false }
  }
  return INTERNAL_ERROR
}

function fromCoreError(err: FlowKeysError): HttpError {
  const status = STATUS_OF_KIND[err.kind]
  if (err.kind === 'Internal') return INTERNAL_ERROR
  // Its message names files on this machine: for the operator's log, not for any caller.
  if (err.kind === 'Corrupt')
    return { status, body: { detail: DATA_UNREADABLE }, headers: {}, unexpected: false, logged: err.message }
  const extra: ErrorDetail = isErrorDetail(err.detail) ? err.detail : {}
  const headers: Record<string, string> = {}
  if (extra.scheme) headers['www-authenticate'] = extra.scheme
  if (err instanceof RateLimited)
    headers['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfterSeconds)))
  const detail = extra.body !== undefined ? extra.body : err.message
  return { status, body: { detail }, headers, unexpected: false }
}

function isErrorDetail(value: unknown): value is ErrorDetail {
  return typeof value === 'object' && value !== null
}

/** Fastify's framework errors for bad requests: FST_* codes with a 4xx status (body too large, bad URL…). */
function isFastifyClientError(err: unknown): err is FastifyError & { statusCode: number } {
  if (!(err instanceof Error)) return false
  const { code, statusCode } = err as Partial<FastifyError>
  return (
    typeof code === 'string' &&
    code.startsWith('FST_') &&
    typeof statusCode === 'number' &&
    statusCode >= 400 &&
    statusCode < 500
  )
}

export function registerErrorHandler(app: FastifyInstance, log: ServerLogSink): void {
  app.setErrorHandler((err, request, reply) => {
    const answer = toHttpError(err)
    if (answer.unexpected) logError(log, request, describeUnexpected(err))
    else if (answer.status >= 500)
      logError(log, request, `${answer.status} ${answer.logged ?? String(answer.body.detail)}`)
    // A failure inside a stream or after headers went out cannot be answered any more.
    if (reply.sent) return
    return reply.code(answer.status).headers(answer.headers).send(answer.body)
  })
}
