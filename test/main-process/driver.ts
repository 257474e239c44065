// What the main-process scenarios do to the app and what they look at, independent of what runs it. Today one
// driver implements it: the built main process under plain Node with a recording fake of `electron`
// (./fake-electron/driver.ts), because the Electron binary cannot be downloaded here. A driver over Playwright's
// `_electron.launch` would implement the same interface (invoke through the window's `window.flowkeys`, the
// snapshot through `electronApp.evaluate`), and the scenarios would run unchanged against real Electron.
import type { Channel } from '../../src/shared/ipc'

/** What ipcRenderer.invoke would give the page: the handler's answer, or the rejection Electron makes. */
export type InvokeOutcome = { resolved: unknown } | { rejected: string }

export interface LoadRecord {
  url: string
  status: number
}

export interface WindowSnapshot {
  id: number
  /** The BrowserWindow constructor's options, as JSON. */
  options: Record<string, unknown>
  visible: boolean
  /** Made visible (show() or maximize()) before its page had painted: a blank window on screen. */
  shownBeforeReady: boolean
  readyToShow: boolean
  minimized: boolean
  maximized: boolean
  focused: boolean
  url: string | null
  /** The entry page and every script and stylesheet it names, as the registered protocol answered them. */
  loads: LoadRecord[]
}

export interface DialogSnapshot {
  kind: 'error' | 'message'
  title: string
  message: string
  detail: string | null
  buttons: string[]
}

export interface AppSnapshot {
  windows: WindowSnapshot[]
  dialogs: DialogSnapshot[]
  /** The IPC channels registered now. */
  channels: string[]
  privilegedSchemes: { scheme: string; privileges: Record<string, unknown>; beforeReady: boolean }[]
  handledSchemes: string[]
  /** What the default session's permission handlers answer for a notification request (null: no handler). */
  permissions: { request: boolean | null; check: boolean | null }
}

export interface LaunchOptions {
  /** FLOWKEYS_DATA_DIR: the core's store, access log and server log. */
  dataDir: string
  /** XDG_CONFIG_HOME: Electron's userData (preferences.json) is its FlowKeys folder. */
  configDir: string
  /** More environment for the app (e.g. DBUS_SESSION_BUS_ADDRESS for the keychain). */
  env?: Record<string, string>
  /** That many page loads fail before one succeeds (real Electron: a renderer folder without index.html). */
  failPageLoads?: number
  /** The buttons message boxes are answered with, in order; a box beyond them gets its default. */
  dialogResponses?: number[]
}

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  /** When it happened (Date.now()). */
  at: number
}

export interface RunningApp {
  /** What the window's `window.flowkeys` call on `channel` would get; `frameUrl` sends as a frame showing it. */
  invoke(channel: Channel, payload?: unknown, options?: { frameUrl?: string }): Promise<InvokeOutcome>
  snapshot(): Promise<AppSnapshot>
  /** The app menu's Quit (app.quit()). */
  quit(): Promise<void>
  /** The user closes the window. */
  closeWindow(): Promise<void>
  minimizeWindow(): Promise<void>
  /** Starts the app again while this one runs; resolves when that second process has ended. */
  secondInstance(): Promise<Exit>
  /** Windows logs off: query-session-end, then session-end, and no before-quit. */
  endSession(): Promise<void>
  /** Resolves when the app's process has ended. */
  readonly exited: Promise<Exit>
  isRunning(): boolean
  /** What the process printed (stdout and stderr). */
  output(): string
  /** Ends the process at once (test clean-up). */
  kill(): void
}

export type Launch = (options: LaunchOptions) => Promise<RunningApp>
