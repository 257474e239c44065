// Sandboxed preload (built as CommonJS: out/preload/index.cjs). A sandboxed preload only gets a small
// `require` (electron, events, timers, url), so everything it exposes must be bundled in or constant.
//
// window.flowkeys holds one function per IPC channel (see src/shared/bridge.ts): each is bound to its own
// channel, so the page can neither name a channel nor reach ipcRenderer. Main checks the sender and validates
// every payload anyway (src/main/shell/ipc-register.ts).
import { contextBridge, ipcRenderer } from 'electron'
import { buildFlowKeysApi } from '../shared/bridge'

// Replaced at build time with package.json's version (see `define` in electron.vite.config.ts).
declare const __APP_VERSION__: string

const api = buildFlowKeysApi((channel, payload) => ipcRenderer.invoke(channel, payload), __APP_VERSION__)

contextBridge.exposeInMainWorld('flowkeys', api)
