// FlowKeys Electron shell: one hardened window around the renderer. All secret handling lives outside
// this file; it is the only module (with src/main/shell/** and src/preload/**) allowed to import electron.
/// <reference types="electron-vite/node" />
import { app, BrowserWindow, session, shell } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { hardenApp } from './shell/harden'
import { secureWebPreferences } from './shell/security'
import icon from '../../resources/icon.png?asset'

// Built layout (electron-vite): out/main/index.js, out/preload/index.cjs, out/renderer/index.html.
const PRELOAD_PATH = join(import.meta.dirname, '../preload/index.cjs')
const RENDERER_INDEX = join(import.meta.dirname, '../renderer/index.html')

// Set by `electron-vite dev` only; never trust it in a packaged app.
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const appOrigin = devServerUrl ? new URL(devServerUrl).origin : pathToFileURL(RENDERER_INDEX).href

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 720,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'FlowKeys',
    autoHideMenuBar: true,
    ...(process.platform === 'linux' ? { icon } : {}),
    webPreferences: secureWebPreferences(PRELOAD_PATH)
  })
  window.once('ready-to-show', () => window.show())

  const load = devServerUrl ? window.loadURL(devServerUrl) : window.loadFile(RENDERER_INDEX)
  load.catch((error: unknown) => {
    console.error(`FlowKeys: could not load the window: ${String(error)}`)
  })
  return window
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
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

  app
    .whenReady()
    .then(() => {
      hardenApp(app, session.defaultSession, { appOrigin, openExternal: (url) => shell.openExternal(url) })
      createWindow()
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) createWindow()
      })
    })
    .catch((error: unknown) => {
      console.error(`FlowKeys: failed to start: ${String(error)}`)
      app.exit(1)
    })
}
