// Sandboxed preload (built as CommonJS: out/preload/index.cjs). A sandboxed preload only gets a small
// `require` (electron, events, timers, url), so everything it exposes must be bundled in or constant.
//
// window.flowkeys holds one function per IPC channel (see src/shared/bridge.ts): each is bound to its own
// channel, so the page can neither name a channel nor reach ipcRenderer. Main checks the sender and validates
// every payload anyway (src/main/shell/ipc-register.ts). Main's pushes all arrive on one channel (PUSH_CHANNEL);
// `flowkeys.on(event, listener)` hands a listener the payload only, never the IpcRendererEvent.
import { contextBridge, ipcRenderer } from 'electron'
import { buildFlowKeysApi, eventHub } from '../shared/bridge'
import { PUSH_CHANNEL } from '../shared/channels'

// Replaced at build time with package.json's version (see `define` in electron.vite.config.ts).
declare const __APP_VERSION__: string

const pushes = eventHub()
ipcRenderer.on(PUSH_CHANNEL, (_event, name: unknown, payload: unknown) => pushes.dispatch(name, payload))

const api = buildFlowKeysApi(
  (channel, payload) => ipcRenderer.invoke(channel, payload),
  __APP_VERSION__,
  pushes.on
)

contextBridge.exposeInMainWorld('flowkeys', api)
