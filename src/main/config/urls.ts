// Which URLs the app may hand to the user's browser, and how URLs are read for every such check. Policy, not shell
// code: the IPC handlers and the Electron shell both apply it.

/** https prefixes that may be opened in the user's browser. Compared against the parsed, normalized URL. */
export const EXTERNAL_URL_ALLOWLIST: readonly string[] = Object.freeze([
  'https://docs.langflow.org/',
  'https://github.com/langflow-ai/'
])

const MAX_URL_LENGTH = 2048

export function parseUrl(url: unknown): URL | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) return null
  try {
    return new URL(url)
  } catch {
    return null
  }
}

export function hasCredentials(url: URL): boolean {
  return url.username !== '' || url.password !== ''
}

/**
 * Whether `url` may be handed to the OS browser (shell.openExternal): https only, no credentials, no
 * non-default port, and the normalized URL must start with an allowlisted prefix (so lookalike hosts such as
 * `docs.langflow.org.evil.com` and dot-segment tricks are rejected).
 */
export function isAllowedExternalUrl(url: string): boolean {
  return normalizeExternalUrl(url) !== null
}

/** The normalized href to open externally, or null when `url` is not allowlisted. */
export function normalizeExternalUrl(url: string): string | null {
  const target = parseUrl(url)
  if (!target || target.protocol !== 'https:' || hasCredentials(target) || target.port !== '') return null
  const href = target.href
  return EXTERNAL_URL_ALLOWLIST.some((prefix) => href.startsWith(prefix)) ? href : null
}
