// Pure security policy for the Electron shell. This module must not import `electron` at runtime so it
// can be unit-tested in plain Node; the wiring onto real app/webContents objects lives in ./harden.ts.
import { APP_SCHEME } from './app-protocol'

/** The subset of Electron's WebPreferences that FlowKeys pins for every window. */
export interface SecureWebPreferences {
  readonly preload: string
  readonly sandbox: true
  readonly contextIsolation: true
  readonly nodeIntegration: false
  readonly nodeIntegrationInWorker: false
  readonly nodeIntegrationInSubFrames: false
  readonly webSecurity: true
  readonly allowRunningInsecureContent: false
  readonly webviewTag: false
  readonly experimentalFeatures: false
  readonly navigateOnDragDrop: false
  readonly spellcheck: false
  /** Middle-click (auxclick) is another way for a page to open windows; nothing in FlowKeys needs it. */
  readonly disableBlinkFeatures: 'Auxclick'
}

/** Hardened webPreferences for a BrowserWindow whose only privileged code is the given preload script. */
export function secureWebPreferences(preloadPath: string): SecureWebPreferences {
  if (typeof preloadPath !== 'string' || preloadPath.length === 0) {
    throw new TypeError('secureWebPreferences: preloadPath must be a non-empty path')
  }
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    // The spellchecker may send typed text (e.g. secrets) to a cloud service on some platforms.
    spellcheck: false,
    disableBlinkFeatures: 'Auxclick'
  }
}

/** https prefixes that may be opened in the user's browser. Compared against the parsed, normalized URL. */
export const EXTERNAL_URL_ALLOWLIST: readonly string[] = Object.freeze([
  'https://docs.langflow.org/',
  'https://github.com/langflow-ai/'
])

const MAX_URL_LENGTH = 2048

function parseUrl(url: unknown): URL | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) return null
  try {
    return new URL(url)
  } catch {
    return null
  }
}

function hasCredentials(url: URL): boolean {
  return url.username !== '' || url.password !== ''
}

/** The documents of the app:// origin a window may show: the renderer's entry file (`/` serves it too). */
const APP_DOCUMENTS: ReadonlySet<string> = new Set(['/', '/index.html'])

/** Same app:// host (case-insensitive, as Chromium canonicalises it), no port. */
function isAppDocument(target: URL, app: URL): boolean {
  return (
    target.protocol === `${APP_SCHEME}:` &&
    target.hostname.toLowerCase() === app.hostname.toLowerCase() &&
    target.port === '' &&
    APP_DOCUMENTS.has(target.pathname)
  )
}

/**
 * Whether the app window may navigate to `url`.
 *
 * `appOrigin` is where the renderer is served from:
 * - in development, the dev server origin (e.g. `http://localhost:5173`): same-origin http(s) URLs are allowed;
 * - in production, `app://flowkeys` (./app-protocol.ts): only its entry document, `/` or `/index.html` (any
 *   query/hash), never another file it serves.
 *
 * Everything else (other origins, other ports, any `file:` URL, `javascript:`, `data:`, `about:`, URLs with
 * credentials) is denied.
 */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  const target = parseUrl(url)
  const app = parseUrl(appOrigin)
  if (!target || !app || hasCredentials(target)) return false

  if (app.protocol === `${APP_SCHEME}:`) return app.hostname !== '' && isAppDocument(target, app)
  if (app.protocol !== 'http:' && app.protocol !== 'https:') return false
  return target.protocol === app.protocol && target.origin === app.origin
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

/**
 * Whether an IPC message comes from the app's own renderer: the frame that sent it must be showing the app
 * (the dev server origin, or the renderer's entry document on app://flowkeys), as for navigation. A missing
 * frame (destroyed or navigated away before the message was handled) is not trusted.
 */
export function isTrustedSender(frameUrl: string | null | undefined, appOrigin: string): boolean {
  if (typeof frameUrl !== 'string') return false
  return isAllowedNavigation(frameUrl, appOrigin)
}
