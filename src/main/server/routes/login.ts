import formbody from '@fastify/formbody'
import cookie from '@fastify/cookie'
import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import type { Tokens } from '../../auth/service'
import type { Core } from '../../core/open'
import type { RoutePlugin } from '../app'
import {
  ACCESS_COOKIE,
  limitFailures,
  presentedCredentials,
  REFRESH_COOKIE,
  STORE_KEY_COOKIE
} from '../guards/auth'
import { tokenCookie } from '../http/cookies'

/** FastAPI's OAuth2PasswordRequestForm: the other fields are optional; `grant_type`, when sent, must be "password". */
const LoginFormSchema = z.looseObject({
  username: z.string(),
  password: z.string(),
  grant_type: z
    .string()
    .regex(/^password$/)
    .optional()
})

const TokenSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string().nullable(),
  token_type: z.string()
})

/**
 * The text fields of a multipart/form-data body (`curl -F username=… -F password=…`); file parts are skipped.
 * Enough for a login form, not a general parser: a malformed body simply yields fewer fields.
 */
export function parseMultipartFields(contentType: string, body: Buffer): Record<string, string[]> {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  const fields: Record<string, string[]> = Object.create(null)
  const marker = boundary?.[1] ?? boundary?.[2]
  if (!marker) return fields
  const parts = body.toString('utf8').split(`--${marker}`)
  for (const part of parts.slice(1)) {
    if (part.startsWith('--')) break
    const headerEnd = part.indexOf('\r\n\r\n')
    if (headerEnd === -1) continue
    const headers = part.slice(0, headerEnd)
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? ''
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1]
    if (name === undefined || /(?:^|;)\s*filename\*?=/i.test(disposition)) continue
    const value = part.slice(headerEnd + 4).replace(/\r\n$/, '')
    ;(fields[name] ??= []).push(value)
  }
  return fields
}

/** Starlette's FormData.get: the last value of a repeated field. */
function lastValues(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null)
  for (const [name, value] of Object.entries(fields)) {
    if (name !== '__proto__') out[name] = Array.isArray(value) ? value.at(-1) : value
  }
  return out
}

/** `/api/v1/login`, `/auto_login`, `/refresh`, `/logout` (contract §4). */
export function loginRoutes(core: Pick<Core, 'auth' | 'settings'>): RoutePlugin {
  const setTokenCookies = (reply: FastifyReply, tokens: Tokens): void => {
    if (tokens.refresh_token !== null) {
      reply.setCookie(
        REFRESH_COOKIE,
        tokens.refresh_token,
        tokenCookie(core.settings.refreshTokenExpireSeconds)
      )
    }
    reply.setCookie(ACCESS_COOKIE, tokens.access_token, tokenCookie(core.settings.accessTokenExpireSeconds))
  }

  return async (app) => {
    const tags = ['Login']

    // Here bodies are HTML forms, as FastAPI reads a Form route: urlencoded or multipart; any other body is an
    // empty form (so a JSON login answers "Field required" for both fields, not a JSON error).
    app.removeAllContentTypeParsers()
    await app.register(formbody)
    // Only these routes read and set cookies (auth.ts reads the access cookie by itself, on demand).
    await app.register(cookie)
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
      const type = request.headers['content-type'] ?? ''
      done(null, /^multipart\/form-data/i.test(type) ? parseMultipartFields(type, body as Buffer) : {})
    })
    app.addHook('preValidation', async (request) => {
      if (request.routeOptions.schema?.body === undefined) return
      const body = request.body
      request.body =
        body !== null && typeof body === 'object' ? lastValues(body as Record<string, unknown>) : {}
    })

    app.post(
      '/api/v1/login',
      {
        schema: {
          tags,
          summary: 'Log in with a username and password (form fields); sets the token cookies',
          consumes: ['application/x-www-form-urlencoded', 'multipart/form-data'],
          body: LoginFormSchema,
          response: { 200: TokenSchema }
        }
      },
      async (request, reply) => {
        const { username, password } = request.body
        // Wrong passwords count toward the client's failed-attempt limit, like wrong keys.
        const { tokens, user } = await limitFailures(
          request,
          () => core.auth.loginUser(username, password),
          (err) => (err as { kind?: string }).kind === 'Unauthorized'
        )
        setTokenCookies(reply, tokens)
        // Langflow's login: the sealed store key (Python's str(None) when there is none), a session cookie. It
        // goes only to the password's holder, and is ciphertext under the vault key.
        reply.setCookie(STORE_KEY_COOKIE, user.store_api_key ?? 'None', tokenCookie())
        return tokens
      }
    )

    app.get(
      '/api/v1/auto_login',
      {
        schema: {
          tags,
          summary: 'A token for the superuser when LANGFLOW_AUTO_LOGIN is on',
          response: { 200: TokenSchema }
        }
      },
      async (_request, reply) => {
        const tokens = await core.auth.autoLogin()
        // Langflow makes this one a session cookie.
        reply.setCookie(ACCESS_COOKIE, tokens.access_token, tokenCookie())
        return tokens
      }
    )

    app.post(
      '/api/v1/refresh',
      {
        schema: {
          tags,
          summary: 'New tokens for the refresh token in the refresh_token_lf cookie',
          response: { 200: TokenSchema }
        }
      },
      async (request, reply) => {
        const tokens = await core.auth.refresh(request.cookies[REFRESH_COOKIE])
        setTokenCookies(reply, tokens)
        return tokens
      }
    )

    app.post(
      '/api/v1/logout',
      {
        schema: {
          tags,
          summary: "Clear the token cookies and end the caller's sessions (every token issued to it so far)",
          response: { 200: z.object({ message: z.string() }) }
        }
      },
      async (request, reply) => {
        const presented = presentedCredentials(request)
        await core.auth.logout({
          access: presented.bearer || presented.cookieToken,
          refresh: request.cookies[REFRESH_COOKIE]
        })
        for (const name of [REFRESH_COOKIE, ACCESS_COOKIE, STORE_KEY_COOKIE]) {
          reply.clearCookie(name, { path: '/', httpOnly: true, sameSite: 'lax' })
        }
        return { message: 'Logout successful' }
      }
    )
  }
}
