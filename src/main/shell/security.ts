// Pure security policy for the Electron shell. This module must not import `electron` at runtime so it
// can be unit-tested in plain Node; the wiring onto real app/webContents objects lives in ./harden.ts.
import { APP_SCHEME } from './app-protocol'
import { hasCredentials, parseUrl } from '../config/urls'

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
 * Whether an IPC message comes from the app's own renderer: the frame that sent it must be showing the app
 * (the dev server origin, or the renderer's entry document on app://flowkeys), as for navigation. A missing
 * frame (destroyed or navigated away before the message was handled) is not trusted.
 */
export function isTrustedSender(frameUrl: string | null | undefined, appOrigin: string): boolean {
  if (typeof frameUrl !== 'string') return false
  return isAllowedNavigation(frameUrl, appOrigin)
}
