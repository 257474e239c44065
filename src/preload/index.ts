// Sandboxed preload (built as CommonJS: out/preload/index.cjs). A sandboxed preload only gets a small
// `require` (electron, events, timers, url), so everything it exposes must be bundled in or constant.
// The typed IPC API is added here from src/shared/ipc.ts later; keep window.flowkeys in sync with index.d.ts.
import { contextBridge } from 'electron'

// Replaced at build time with package.json's version (see `define` in electron.vite.config.ts).
declare const __APP_VERSION__: string

const api = Object.freeze({
  appVersion: __APP_VERSION__
})

contextBridge.exposeInMainWorld('flowkeys', api)
