import cookie from '@fastify/cookie'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { AuthService, Credentials, Principal } from '../../auth/service'
import { type ErrorDetail, isFlowKeysError } from '../../base/errors'
import { requireSuperuser as requireSuperuserActor, type Actor } from '../../users/actor'
import type { RoutePlugin } from '../app'
import type { LogActor } from '../http/log'
import { isLoopback } from './hardening'

/**
 * Who is calling, as Langflow decides it (contract §1): the core's AuthService judges the credentials; this file
 * only finds them in the request, as FastAPI's security schemes do, and applies the failed-attempt limit.
 *
 * Routes use the hooks as `preValidation` (`{ preValidation: requireUser }`): FastAPI resolves the auth
 * dependency before it validates parameters and body, so a caller without a key gets 403, not 422.
 */

export const ACCESS_COOKIE = 'access_token_lf'
export const REFRESH_COOKIE = 'refresh_token_lf'
/** Langflow's session cookie of the sealed component-store key: set at login and by api_key/store, cleared at logout. */
export const STORE_KEY_COOKIE = 'apikey_tkn_lflw'
const API_KEY_NAME = 'x-api-key'

declare module 'fastify' {
  interface FastifyInstance {
    /** Authenticates the request (see authPlugin); rejects with the contract's 401/403/429. */
    authenticateRequest(request: FastifyRequest): Promise<Principal>
  }
  interface FastifyRequest {
    /** Set by requireUser/requireSuperuser/optionalUser once the caller is known. */
    principal: Principal | null
  }
}

/** `?x-api-key=`: Starlette's `query_params.get` returns the last value of a repeated parameter. */
function queryApiKey(url: string): string | null {
  const at = url.indexOf('?')
  if (at === -1) return null
  const values = new URLSearchParams(url.slice(at + 1)).getAll(API_KEY_NAME)
  return values.at(-1) ?? null
}

/**
 * One cookie of the request, parsed only when asked: the cookie plugin is registered where cookies are set
 * (login.ts), not on every route, where its two hooks would run on every request.
 */
function cookieValue(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie
  return header ? (cookie.parse(header)[name] ?? null) : null
}

/** The `x-api-key` header, any case; Starlette's `headers.get` returns the first of repeated headers. */
function headerApiKey(request: FastifyRequest): string | null {
  // Node joins repeated headers with ", " (a key never holds one): only then is the raw list searched.
  const joined = request.headers[API_KEY_NAME]
  if (typeof joined === 'string' && !joined.includes(', ')) return joined
  if (joined === undefined) return null
  const raw = request.raw.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]?.toLowerCase() === API_KEY_NAME) return raw[i + 1] ?? null
  }
  return null
}

/**
 * The credentials a request presents, read as Langflow's `OAuth2PasswordBearerCookie`, `APIKeyQuery` and
 * `APIKeyHeader` read them: an `Authorization` header with the Bearer scheme (any case) gives the token, and
 * then the cookie is not looked at; otherwise the `access_token_lf` cookie. The query key wins over the header;
 * empty strings count as absent (the core treats them so).
 */
export function presentedCredentials(request: FastifyRequest): Credentials {
  const authorization = request.headers.authorization
  let bearer: string | null = null
  let cookieToken: string | null = null
  if (typeof authorization === 'string' && authorization !== '') {
    const space = authorization.indexOf(' ')
    const scheme = space === -1 ? authorization : authorization.slice(0, space)
    if (scheme.toLowerCase() === 'bearer') bearer = space === -1 ? '' : authorization.slice(space + 1)
  }
  if (bearer === null) cookieToken = cookieValue(request, ACCESS_COOKIE)
  return {
    apiKey: queryApiKey(request.url) || headerApiKey(request) || null,
    bearer,
    cookieToken
  }
}

/** Whether the request carries any credential at all (a Bearer scheme, the cookie, or a non-empty key). */
export function presentsCredentials(credentials: Credentials): boolean {
  return credentials.bearer !== null || !!credentials.cookieToken || !!credentials.apiKey
}

function failedKey(err: unknown): boolean {
  if (!isFlowKeysError(err)) return false
  const detail = err.detail as ErrorDetail | undefined
  return detail?.failedKey === true
}

/**
 * The client a request counts against in the limiters: every loopback address is one client (127.0.0.1, 127.0.1.5
 * and ::1 are the same machine, so spreading guesses over them gains nothing); any other address is its own.
 */
export function clientOf(request: FastifyRequest): string {
  return isLoopback(request.ip) ? 'loopback' : request.ip
}

/**
 * Runs a password attempt under the client's failed-authentication limit: refused with 429 once the client used up
 * its failures, even with the right password (serving it would let guessing go on at full speed), and a failure
 * (as `isFailure` judges the thrown error) is counted.
 */
export async function limitFailures<T>(
  request: FastifyRequest,
  attempt: () => Promise<T>,
  isFailure: (err: unknown) => boolean
): Promise<T> {
  const limiter = request.server.failureLimiter
  const client = clientOf(request)
  limiter.check(client)
  try {
    return await attempt()
  } catch (err) {
    if (isFailure(err)) limiter.recordFailure(client)
    throw err
  }
}

/**
 * Checks a presented API key. A valid key is always served, so that a flood of bad keys from another process can
 * never lock the owner out (a key is 256 random bits: the limit only slows a noisy client down); a wrong one
 * counts toward the client's limit, and once that is used up the answer is 429 instead of 403.
 */
async function checkKey(request: FastifyRequest, attempt: () => Promise<Principal>): Promise<Principal> {
  try {
    return await attempt()
  } catch (err) {
    if (failedKey(err)) {
      const limiter = request.server.failureLimiter
      const client = clientOf(request)
      limiter.check(client)
      limiter.recordFailure(client)
    }
    throw err
  }
}

async function authenticate(
  auth: Pick<AuthService, 'authenticate'>,
  request: FastifyRequest
): Promise<Principal> {
  const credentials = presentedCredentials(request)
  const tokenFirst = !!(credentials.bearer || credentials.cookieToken)
  // Only a presented key is a guess worth limiting; a token is checked alone (and cannot be guessed).
  const principal = await (credentials.apiKey && !tokenFirst
    ? checkKey(request, () => auth.authenticate(credentials))
    : auth.authenticate(credentials))
  request.principal = principal
  request.logActor = logActorOf(principal)
  return principal
}

/** The access log's view of a principal, made once per principal (an API key's is shared by its requests). */
const logActors = new WeakMap<Principal, LogActor>()

function logActorOf(principal: Principal): LogActor {
  let actor = logActors.get(principal)
  if (actor === undefined) {
    actor = Object.freeze({
      keyId: principal.apiKey?.id ?? null,
      keyName: principal.apiKey?.name ?? null,
      userId: principal.user.id
    })
    logActors.set(principal, actor)
  }
  return actor
}

/**
 * Registers the authenticator at the root, for every route family after it. Must come before the families that
 * use requireUser/requireSuperuser/optionalUser.
 */
export function authPlugin(auth: Pick<AuthService, 'authenticate'>): RoutePlugin {
  // Not encapsulated: the decorations reach the sibling route families. It sets request.logActor.
  return fp(
    async (app) => {
      app.decorateRequest('principal', null)
      app.decorate('authenticateRequest', (request: FastifyRequest) => authenticate(auth, request))
    },
    { name: 'flowkeys-auth', fastify: '5.x', dependencies: ['flowkeys-access-log'] }
  )
}

/** preValidation hook: the caller must be an active user (Langflow's CurrentActiveUser). */
export async function requireUser(request: FastifyRequest): Promise<void> {
  await request.server.authenticateRequest(request)
}

/** preValidation hook: the caller must be an active superuser (Langflow's get_current_active_superuser). */
export async function requireSuperuser(request: FastifyRequest): Promise<void> {
  requireSuperuserActor(actorFrom(await request.server.authenticateRequest(request)))
}

/**
 * preValidation hook for routes open to anyone that do more for a known caller (sign-up vs a superuser's user
 * creation): without any credential the route runs anonymously (`request.principal` stays null); a credential
 * that is presented must be valid, it is never silently ignored.
 */
export async function optionalUser(request: FastifyRequest): Promise<void> {
  if (presentsCredentials(presentedCredentials(request))) await request.server.authenticateRequest(request)
}

/** The caller of a route guarded by requireUser/requireSuperuser (or optionalUser, when it found one). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('principalOf: the route has no requireUser/requireSuperuser hook')
  return request.principal
}

function actorFrom(principal: Principal): Actor {
  const actor: Actor = { id: principal.user.id, is_superuser: principal.user.is_superuser }
  if (principal.via === 'auto_login') actor.viaAutoLogin = true
  return actor
}

/** The caller as the core's services take it. */
export function actorOf(request: FastifyRequest): Actor {
  return actorFrom(principalOf(request))
}

/** OpenAPI: the ways a guarded route accepts credentials (names from docs.ts). */
export const AUTH_SECURITY: { [scheme: string]: string[] }[] = [
  { 'API key header': [] },
  { 'API key query': [] },
  { 'Bearer token': [] }
]
