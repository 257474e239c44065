// FlowKeys Electron shell: shows one hardened window around the renderer, then opens the core and the key server
// in-process. All secret handling lives in the core; this file (with src/main/shell/** and src/preload/**)
// is the only code allowed to import electron.
/// <reference types="electron-vite/node" />
import { app, BrowserWindow, clipboard, dialog, ipcMain, protocol, session } from 'electron'
import { join } from 'node:path'
import { APP_NAME } from './config/paths'
import { oneLine } from './base/errors'
import { openCore, type Core } from './core/open'
import { createHandlerTable, type HandlerTable } from './ipc/handlers'
import { keyServerController } from './ipc/key-server'
import { pushService, wirePushes } from './ipc/pushes'
import { observeServer } from './ipc/server-controller'
import type { ServerController } from './ipc/services'
import { gatedHandlerTable } from './ipc/startup-gate'
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler } from './shell/app-protocol'
import { hardenApp } from './shell/harden'
import { openInBrowser } from './shell/open-in-browser'
import { registerIpcHandlers } from './shell/ipc-register'
import { loadPage } from './shell/page-load'
import { windowPushes } from './shell/push-send'
import { openPreferences, type AppPreferences, type PreferencesReset } from './shell/preferences'
import { quitDeadlineMs, quitGuard } from './shell/quit-guard'
import { rendererSource } from './shell/renderer-source'
import { chooseBackupPath } from './shell/save-dialog'
import { secureWebPreferences } from './shell/security'
import { APP_KEYCHAIN_WAIT_MS, startupTracker, type StartupTracker } from './shell/startup-state'
import { showWhenReady, trackWindowBounds } from './shell/window-state'
import { KEYCHAIN_SERVICE, osKeychain } from './vault/keychain'
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
// Main → window pushes (server status, requests, other processes' store changes), to the app's window only.
const pushes = windowPushes(appOrigin)
const push = pushService(pushes.send)

// Before ready: app:// is a standard, secure scheme, so the renderer has a real origin for 'self' in its CSP.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }])

const warn = (message: string): void => console.warn(message)

function createWindow(preferences: AppPreferences): BrowserWindow {
  const { maximized, ...bounds } = preferences.windowBounds()
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
  pushes.track(window)
  showWhenReady(window, maximized)
  void loadPage(window, source.url, { quit: () => app.quit(), warn })
  return window
}

function tellPreferencesReset(reset: PreferencesReset): void {
  const detail = `${reset.file} could not be used (${reset.reason}), so FlowKeys uses its default settings (key server port, start with FlowKeys, window size). The old file is kept as ${reset.keptAs}.`
  warn(`FlowKeys: ${detail}`)
  void dialog.showMessageBox({
    type: 'warning',
    title: 'FlowKeys',
    message: 'Your FlowKeys preferences were reset to the defaults.',
    detail,
    buttons: ['OK'],
    noLink: true
  })
}

interface Running {
  core: Core
  server: ServerController
  table: HandlerTable
  /** Stops the pushes' sources (the access log listener, the store file watcher). */
  unwire: () => void
}

/** Opens the core (which may wait for the user to unlock the OS keychain), then the key server. */
async function start(preferences: AppPreferences, startup: StartupTracker): Promise<Running> {
  const core = await openCore({
    keychain: startup.watch(osKeychain(KEYCHAIN_SERVICE, APP_KEYCHAIN_WAIT_MS)),
    warn: (message) => warn(`FlowKeys: ${message}`),
    followVaultKey: true
  })
  const server = observeServer(
    keyServerController(core, {
      port: () => preferences.get().serverPort,
      version: app.getVersion(),
      echo: (line) => console.error(`FlowKeys key server: ${line}`),
      warn
    }),
    (status) => push('server:changed', status)
  )
  const unwire = wirePushes(core, push, { warn })
  const table = createHandlerTable(core, {
    server,
    clipboard,
    preferences,
    openInBrowser,
    chooseBackupPath,
    appVersion: app.getVersion(),
    startup: startup.state
  })
  if (preferences.get().autostart) {
    const status = await server.start()
    if (status.lastError) warn(`FlowKeys: the key server did not start: ${status.lastError}`)
  }
  return { core, server, table, unwire }
}

/** Stops the server (in-flight requests get a few seconds), then flushes usage counters and closes the core. */
async function shutdown(running: Running): Promise<void> {
  running.unwire()
  await running.server.stop()
  await running.core.close()
}

function main(): void {
  const startup = startupTracker()
  let running: Running | null = null
  // The IPC answers from this table while it is set: from the end of the start to the end of the shutdown.
  let table: HandlerTable | null = null

  const guard = quitGuard({
    stop: () => {
      const stopping = running
      if (!stopping) return null
      startup.stopping()
      return shutdown(stopping).finally(() => {
        table = null
      })
    },
    quit: () => app.quit(),
    deadlineMs: quitDeadlineMs(),
    warn
  })

  /** Windows ends a session without `before-quit`: flush when asked whether it may end, stop when it does. */
  const watchSession = (window: BrowserWindow): void => {
    window.on('query-session-end', () => {
      void running?.core.keys.flushUsage().catch(() => undefined)
      running?.core.accessLog.flush()
    })
    window.on('session-end', () => guard.sessionEnding())
  }

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

  app.on('before-quit', (event) => guard.beforeQuit(event))

  app
    .whenReady()
    .then(async () => {
      // On the default session: serves out/renderer only, 404 for anything else (./shell/app-protocol.ts).
      protocol.handle(APP_SCHEME, appProtocolHandler(RENDERER_DIR))
      hardenApp(app, session.defaultSession, { appOrigin, openInBrowser })
      const preferences = openPreferences({ onReset: tellPreferencesReset })
      registerIpcHandlers(ipcMain, gatedHandlerTable({ state: startup.state, table: () => table }), {
        appOrigin
      })
      // The window first: it says what the start is waiting for (the keychain) or why it failed.
      watchSession(createWindow(preferences))
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) watchSession(createWindow(preferences))
      })
      try {
        running = await start(preferences, startup)
        table = running.table
        startup.ready()
      } catch (error) {
        console.error(`FlowKeys: failed to start: ${oneLine(error)}`)
        startup.failed(oneLine(error))
      }
    })
    .catch((error: unknown) => {
      const message = oneLine(error)
      console.error(`FlowKeys: failed to start: ${message}`)
      dialog.showErrorBox('FlowKeys could not start', message)
      app.exit(1)
    })
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  main()
}
