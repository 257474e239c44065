import { SignJWT, errors, jwtVerify } from 'jose'
import { Unauthorized } from '../base/errors'

export type TokenType = 'access' | 'refresh'

/** 401 errors of the token path carry `WWW-Authenticate: Bearer`, as FastAPI's OAuth2 scheme sends. */
export const BEARER = { scheme: 'Bearer' } as const

export const TOKEN_EXPIRED = 'Token has expired.'
export const INVALID_CREDENTIALS = 'Could not validate credentials'
export const WRONG_TOKEN_TYPE = 'Invalid token type. Expected access token.'

/** What a token says beyond Langflow's claims. */
export interface TokenClaims {
  sub: string
  type: string
  /** The user's token generation when it was signed: a logout or a password change moves it on. */
  gen: number
  /** Issued by auto-login: the holder proved nothing. */
  auto: boolean
}

/** Langflow's JWT: HS256 with claims `sub` (user id), `type` and `exp`, plus FlowKeys' `gen` and `auto`. */
export async function signToken(
  key: Uint8Array,
  userId: string,
  type: TokenType,
  ttlSeconds: number,
  extra: { gen: number; auto?: boolean }
): Promise<string> {
  return new SignJWT({ type, gen: extra.gen, ...(extra.auto ? { auto: true } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key)
}

/** Verifies signature and expiry; returns the claims. Throws `Unauthorized` with Langflow's messages. */
export async function readToken(key: Uint8Array, token: string): Promise<TokenClaims> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] })
    const { sub, type, gen } = payload
    if (typeof sub !== 'string' || typeof type !== 'string' || !Number.isInteger(gen)) {
      throw new Unauthorized(INVALID_CREDENTIALS, BEARER)
    }
    return { sub, type, gen: gen as number, auto: payload.auto === true }
  } catch (err) {
    if (err instanceof Unauthorized) throw err
    if (err instanceof errors.JWTExpired) throw new Unauthorized(TOKEN_EXPIRED, BEARER)
    throw new Unauthorized(INVALID_CREDENTIALS, BEARER)
  }
}
