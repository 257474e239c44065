// FlowKeys Electron shell: opens the core and the key server in-process, and shows one hardened window around
// the renderer. All secret handling lives in the core; this file (with src/main/shell/** and src/preload/**)
// is the only code allowed to import electron.
/// <reference types="electron-vite/node" />
import { app, BrowserWindow, clipboard, dialog, ipcMain, protocol, session } from 'electron'
import { join } from 'node:path'
import { APP_NAME } from './config/paths'
import { oneLine } from './core/errors'
import { openCore, type Core } from './core/open'
import { createHandlerTable } from './ipc/handlers'
import { keyServerController } from './ipc/key-server'
import { tuneHeapForService } from './server/heap'
import type { ServerController } from './ipc/services'
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler } from './shell/app-protocol'
import { hardenApp } from './shell/harden'
import { openInBrowser } from './shell/open-in-browser'
import { registerIpcHandlers } from './shell/ipc-register'
import { rendererSource } from './shell/renderer-source'
import { openPreferences, type AppPreferences } from './shell/preferences'
import { secureWebPreferences } from './shell/security'
import { trackWindowBounds } from './shell/window-state'
import icon from '../../resources/icon.png?asset'

// userData (where electron-store keeps preferences.json) is then the folder the CLI and the core use by default.
app.setName(APP_NAME)

// Built layout (electron-vite): out/main/index.js, out/preload/index.cjs, out/renderer/index.html.
const PRELOAD_PATH = join(import.meta.dirname, '../preload/index.cjs')
const RENDERER_DIR = join(import.meta.dirname, '../renderer')

// ELECTRON_RENDERER_URL is set by `electron-vite dev`; import.meta.env.DEV is false when built, so the production
// bundle has no code that reads it. Otherwise the window shows the built renderer on app://flowkeys.
const source = rendererSource(
  import.meta.env.DEV,
  import.meta.env.DEV ? process.env.ELECTRON_RENDERER_URL : undefined
)
if (source.warning) console.warn(`FlowKeys: ${source.warning}`)
const appOrigin = source.appOrigin

// Before ready: app:// is a standard, secure scheme, so the renderer has a real origin for 'self' in its CSP.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }])

function createWindow(preferences: AppPreferences): BrowserWindow {
  const { maximized: _maximized, ...bounds } = preferences.windowBounds()
  const window = new BrowserWindow({
    ...bounds,
    minWidth: 820,
    minHeight: 540,
    show: false,
    title: 'FlowKeys',
    autoHideMenuBar: true,
    ...(process.platform === 'linux' ? { icon } : {}),
    // The key flags are restated literally so that they are visible where the window is made (and to
    // static scanners such as Electronegativity); their types pin them to the values secureWebPreferences uses.
    webPreferences: {
      ...secureWebPreferences(PRELOAD_PATH),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      disableBlinkFeatures: 'Auxclick'
    }
  })
  trackWindowBounds(window, preferences)
  window.once('ready-to-show', () => window.show())

  const load = window.loadURL(source.url)
  load.catch((error: unknown) => {
    console.error(`FlowKeys: could not load the window: ${String(error)}`)
  })
  return window
}

interface Running {
  core: Core
  server: ServerController
  unregister: () => void
}

async function start(preferences: AppPreferences): Promise<Running> {
  tuneHeapForService()
  const core = await openCore({ warn: (message) => console.warn(`FlowKeys: ${message}`) })
  const server = keyServerController(core, {
    port: () => preferences.get().serverPort,
    version: app.getVersion()
  })
  const table = createHandlerTable(core, {
    server,
    clipboard,
    preferences,
    openInBrowser,
    appVersion: app.getVersion()
  })
  const unregister = registerIpcHandlers(ipcMain, table, { appOrigin })
  if (preferences.get().autostart) {
    const status = await server.start()
    if (status.lastError) console.warn(`FlowKeys: the key server did not start: ${status.lastError}`)
  }
  return { core, server, unregister }
}

/** Stops the server (waiting for in-flight requests), then flushes usage counters and closes the core. */
async function shutdown(running: Running): Promise<void> {
  running.unregister()
  await running.server.stop()
  await running.core.close()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let running: Running | null = null
  let quitting = false

  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows()
    if (window) {
      if (window.isMinimized()) window.restore()
      window.focus()
    }
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  app.on('before-quit', (event) => {
    if (!running || quitting) return
    // Hold the quit until the server has closed and usage is on disk, then quit for real.
    event.preventDefault()
    quitting = true
    const stopping = running
    running = null
    shutdown(stopping)
      .catch((error: unknown) => console.error(`FlowKeys: unclean shutdown: ${oneLine(error)}`))
      .finally(() => app.quit())
  })

  app
    .whenReady()
    .then(async () => {
      // On the default session: serves out/renderer only, 404 for anything else (./shell/app-protocol.ts).
      protocol.handle(APP_SCHEME, appProtocolHandler(RENDERER_DIR))
      hardenApp(app, session.defaultSession, { appOrigin, openInBrowser })
      const preferences = openPreferences()
      running = await start(preferences)
      createWindow(preferences)
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) createWindow(preferences)
      })
    })
    .catch((error: unknown) => {
      const message = oneLine(error)
      console.error(`FlowKeys: failed to start: ${message}`)
      dialog.showErrorBox('FlowKeys could not start', message)
      app.exit(1)
    })
}
