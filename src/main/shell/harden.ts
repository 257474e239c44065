// Wires the pure policy from ./security.ts onto Electron objects. Only types are imported from `electron`,
// so the objects (and openInBrowser) are passed in by src/main/index.ts.
import type { App, Session, WebContents } from 'electron'
import { normalizeExternalUrl } from '../config/urls'
import { isAllowedNavigation } from './security'

export interface HardenOptions {
  /** See isAllowedNavigation: the dev server origin, or app://flowkeys (the built renderer, ./app-protocol.ts). */
  readonly appOrigin: string
  /** openInBrowser (./open-in-browser.ts); only ever called with an allowlisted, normalized https URL. */
  readonly openInBrowser: (url: string) => Promise<void>
  /** Where refused requests are reported (defaults to console.warn). */
  readonly warn?: (message: string) => void
}

/** Denies every permission request and check (camera, notifications, clipboard-read, HID, …). */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}

/** Restricts navigation, new windows and <webview> for one webContents. */
export function hardenWebContents(contents: WebContents, options: HardenOptions): void {
  const warn = options.warn ?? ((message: string) => console.warn(message))

  const guardNavigation = (event: { preventDefault: () => void }, url: string): void => {
    if (!isAllowedNavigation(url, options.appOrigin)) {
      event.preventDefault()
      warn(`FlowKeys: blocked navigation to ${truncate(url)}`)
    }
  }
  contents.on('will-navigate', guardNavigation)
  contents.on('will-redirect', guardNavigation)

  contents.setWindowOpenHandler(({ url }) => {
    const external = normalizeExternalUrl(url)
    if (external) {
      options.openInBrowser(external).catch((error: unknown) => {
        warn(`FlowKeys: could not open ${truncate(external)}: ${String(error)}`)
      })
    } else {
      warn(`FlowKeys: blocked window.open of ${truncate(url)}`)
    }
    return { action: 'deny' }
  })

  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    warn('FlowKeys: blocked <webview>')
  })
}

/** Hardens the default session and every webContents the app ever creates. Call before creating windows. */
export function hardenApp(app: App, session: Session, options: HardenOptions): void {
  hardenSession(session)
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, options))
}

function truncate(url: string): string {
  return url.length > 200 ? `${url.slice(0, 200)}…` : url
}
