import { SignJWT, errors, jwtVerify } from 'jose'
import { Unauthorized } from '../core/errors'

export type TokenType = 'access' | 'refresh'

/** 401 errors of the token path carry `WWW-Authenticate: Bearer`, as FastAPI's OAuth2 scheme sends. */
export const BEARER = { scheme: 'Bearer' } as const

export const TOKEN_EXPIRED = 'Token has expired.'
export const INVALID_CREDENTIALS = 'Could not validate credentials'
export const WRONG_TOKEN_TYPE = 'Invalid token type. Expected access token.'

/** Langflow's JWT: HS256 with claims `sub` (user id), `type` and `exp`. */
export async function signToken(
  key: Uint8Array,
  userId: string,
  type: TokenType,
  ttlSeconds: number
): Promise<string> {
  return new SignJWT({ type })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key)
}

/** Verifies signature and expiry; returns the subject and type. Throws `Unauthorized` with Langflow's messages. */
export async function readToken(key: Uint8Array, token: string): Promise<{ sub: string; type: string }> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] })
    if (typeof payload.sub !== 'string' || typeof payload.type !== 'string') {
      throw new Unauthorized(INVALID_CREDENTIALS, BEARER)
    }
    return { sub: payload.sub, type: payload.type }
  } catch (err) {
    if (err instanceof Unauthorized) throw err
    if (err instanceof errors.JWTExpired) throw new Unauthorized(TOKEN_EXPIRED, BEARER)
    throw new Unauthorized(INVALID_CREDENTIALS, BEARER)
  }
}
