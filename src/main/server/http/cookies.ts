import type { CookieSerializeOptions } from '@fastify/cookie'

/**
 * Options of the cookies Langflow's login sets, HttpOnly for all (the contract asks it of the access token too);
 * without `maxAgeSeconds`, a session cookie.
 */
export function tokenCookie(maxAgeSeconds?: number): CookieSerializeOptions {
  const options: CookieSerializeOptions = { httpOnly: true, sameSite: 'lax', path: '/' }
  if (maxAgeSeconds !== undefined) options.maxAge = maxAgeSeconds
  return options
}
