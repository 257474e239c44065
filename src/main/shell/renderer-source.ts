// Where the window's renderer comes from: the built files over app://flowkeys, or, in a dev build only
// (`npm run dev`), Vite's dev server on the loopback interface. Pure, so it is testable in plain Node.
import { APP_ENTRY_URL, APP_ORIGIN } from './app-protocol'

export interface RendererSource {
  /** What the window loads. */
  readonly url: string
  /** What navigation and IPC senders are checked against (see isAllowedNavigation in ./security.ts). */
  readonly appOrigin: string
  /** Set when a dev server URL was given but refused. */
  readonly warning?: string
}

const DEV_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1'])

const BUILT: RendererSource = Object.freeze({ url: APP_ENTRY_URL, appOrigin: APP_ORIGIN })

/** A dev server URL as electron-vite sets it (`http://localhost:PORT` or `http://127.0.0.1:PORT`), else null. */
export function loopbackDevServerUrl(raw: string | undefined): URL | null {
  if (typeof raw !== 'string' || raw === '') return null
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  const bare = url.pathname === '/' && url.search === '' && url.hash === ''
  const plain = url.username === '' && url.password === ''
  return url.protocol === 'http:' && DEV_HOSTS.has(url.hostname) && url.port !== '' && bare && plain
    ? url
    : null
}

/**
 * The dev server when this is a dev build (`import.meta.env.DEV`) and `devServerUrl` is a loopback http URL;
 * otherwise the built renderer over app://. A production build never takes the dev server, whatever is passed.
 */
export function rendererSource(devBuild: boolean, devServerUrl: string | undefined): RendererSource {
  if (!devBuild || devServerUrl === undefined || devServerUrl === '') return BUILT
  const url = loopbackDevServerUrl(devServerUrl)
  if (!url) {
    return {
      ...BUILT,
      warning: 'ignored the dev server URL: only http://localhost:PORT or http://127.0.0.1:PORT is loaded'
    }
  }
  return { url: url.href, appOrigin: url.origin }
}
