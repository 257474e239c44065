import { Invalid } from '../base/errors'
import { isLoopback } from '../base/loopback'
import { maskApiKey } from '../keys/generate'
import type { VariableScope } from '../../shared/upstream-credentials'

/** The Langflow server FlowKeys forwards runs to, and the API key it holds there. */
export interface UpstreamTarget {
  /** Base URL without a trailing slash (`http://127.0.0.1:7860`, or with a path prefix). */
  url: string
  /** The upstream's own API key: a secret, never returned to a client, never logged. */
  apiKey: string
  /** Where it was set: FLOWKEYS_UPSTREAM_URL, or `flowkeys upstream set` (the data directory). */
  source: 'environment' | 'data-dir'
  /** Which of a caller's variables runs may carry, as saved with it (FLOWKEYS_UPSTREAM_VARIABLES wins). */
  variables: VariableScope
}

export const MAX_UPSTREAM_URL = 2048
export const MAX_UPSTREAM_KEY = 4096

/**
 * An upstream base URL as FlowKeys keeps it: http(s), no user or password in it (the key travels in a header),
 * no query or fragment. Plain http beyond loopback would send the upstream key and every injected credential
 * across a network in clear: refused unless `allowPlainHttp` (a private network the operator vouches for).
 */
export function parseUpstreamUrl(text: string, options: { allowPlainHttp?: boolean } = {}): string {
  const trimmed = text.trim()
  let url: URL
  try {
    if (trimmed.length === 0 || trimmed.length > MAX_UPSTREAM_URL) throw new Error('length')
    url = new URL(trimmed)
  } catch {
    throw new Invalid(`Not a URL: give the Langflow server's address, such as http://127.0.0.1:7860`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Invalid(`The upstream URL must start with http:// or https:// (got ${url.protocol})`)
  if (url.username !== '' || url.password !== '')
    throw new Invalid('The upstream URL must not hold a user or password: the API key is given separately')
  if (url.search !== '' || url.hash !== '')
    throw new Invalid('The upstream URL must not have a query or fragment')
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !options.allowPlainHttp) {
    throw new Invalid(
      `Plain http to ${url.host} would send the upstream API key and your credentials across the network in clear: use https, or allow plain http on a private network (the app's checkbox, --allow-plain-http, or FLOWKEYS_UPSTREAM_ALLOW_PLAIN_HTTP=1)`
    )
  }
  return url.href.replace(/\/+$/, '')
}

/** An upstream API key as given: trimmed, non-empty, one line of printable ASCII (it goes into a header). */
export function checkUpstreamKey(text: string): string {
  const key = text.trim()
  if (key === '') throw new Invalid('The upstream API key is empty')
  if (key.length > MAX_UPSTREAM_KEY) throw new Invalid('The upstream API key is too long')
  if (!/^[\x21-\x7e]+$/.test(key))
    throw new Invalid('The upstream API key holds spaces or characters a header cannot carry')
  return key
}

/** The upstream key for people, in Langflow's mask; a key too short to keep 8 characters secret shows none. */
export function maskUpstreamKey(key: string): string {
  return key.length >= 16 ? maskApiKey(key) : '*'.repeat(8)
}
