// A recording stand-in for the `electron` module, loaded in place of it (./register.mjs) when the BUILT main
// process (out/main/index.js) runs under plain Node. It is not Electron: there is no Chromium, no renderer and no
// OS window. It models what the main process relies on: the app's lifecycle (ready, before-quit, closing windows,
// window-all-closed, will-quit, quit and the process exit), the single-instance lock (a lock file in userData),
// windows that load their page through the registered protocol handler and emit ready-to-show once it
// "painted", ipcMain.handle with the sending frame's URL, message boxes answered from a script, and it records
// every call. The driver (./driver.ts) sends it commands over the Node IPC channel.
//
// Fault injection, from the environment: FAKE_ELECTRON_LOAD_FAILURES (that many page loads fail, as Chromium's
// did-fail-load), FAKE_ELECTRON_DIALOG_RESPONSES (comma-separated button indexes answering message boxes).
import { EventEmitter } from 'node:events'
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeSync
} from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type {
  DialogSnapshot,
  FakeCommand,
  FakeReply,
  FakeRequest,
  FakeSnapshot,
  InvokeOutcome,
  LoadRecord
} from './protocol'

// ---- recording -------------------------------------------------------------------------------------------------

const calls: FakeSnapshot['calls'] = []

function json(value: unknown, depth = 0): unknown {
  if (typeof value === 'function') return '[function]'
  if (value === null || typeof value !== 'object') return value
  if (depth > 4) return '[deep]'
  if (Array.isArray(value)) return value.map((item) => json(item, depth + 1))
  if (value instanceof EventEmitter) return '[object]'
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, json(item, depth + 1)]))
}

function record(api: string, args: unknown[]): void {
  calls.push({ api, args: args.map((arg) => json(arg)) })
}

/** Electron's event objects: preventDefault() cancels what the event announces. */
class FakeEvent {
  defaultPrevented = false
  preventDefault(): void {
    this.defaultPrevented = true
  }
}

// ---- app ---------------------------------------------------------------------------------------------------------

const mainScript = process.argv[1] ?? ''
// The built layout: out/main/index.js, with the app's package.json two folders up.
const packageJson = join(dirname(mainScript), '..', '..', 'package.json')
const appPackage = existsSync(packageJson)
  ? (JSON.parse(readFileSync(packageJson, 'utf8')) as { name?: string; version?: string })
  : {}

let ready = false
let quitting = false
let lockFile: string | null = null

function exitProcess(code: number): never {
  if (lockFile) rmSync(lockFile, { force: true })
  lockFile = null
  process.exit(code)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

class FakeApp extends EventEmitter {
  private name = appPackage.name ?? 'electron'
  private readonly readyPromise: Promise<void>
  private resolveReady!: () => void

  constructor() {
    super()
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve))
  }

  /** Fired once the main script has run, as Electron does. */
  fireReady(): void {
    ready = true
    this.emit('will-finish-launching')
    this.emit('ready', new FakeEvent(), {})
    this.resolveReady()
  }

  setName(name: string): void {
    record('app.setName', [name])
    this.name = name
  }
  getName(): string {
    return this.name
  }
  getVersion(): string {
    return appPackage.version ?? '0.0.0'
  }
  isReady(): boolean {
    return ready
  }
  whenReady(): Promise<void> {
    record('app.whenReady', [])
    return this.readyPromise
  }

  /** Linux paths, as Electron computes them. */
  getPath(name: string): string {
    const appData = process.env.XDG_CONFIG_HOME || join(homedir(), '.config')
    switch (name) {
      case 'appData':
        return appData
      case 'userData':
        return join(appData, this.name)
      case 'home':
        return homedir()
      case 'temp':
        return tmpdir()
      case 'logs':
        return join(appData, this.name, 'logs')
      default:
        throw new Error(`Failed to get '${name}' path`)
    }
  }

  /** Electron keeps the lock in userData; a second process fails to take it while the first lives. */
  requestSingleInstanceLock(): boolean {
    record('app.requestSingleInstanceLock', [])
    const folder = this.getPath('userData')
    mkdirSync(folder, { recursive: true })
    const file = join(folder, 'FakeSingletonLock')
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx')
        writeSync(fd, String(process.pid))
        closeSync(fd)
        lockFile = file
        return true
      } catch {
        const owner = Number(readFileSync(file, 'utf8'))
        if (isAlive(owner)) return false
        unlinkSync(file)
      }
    }
    return false
  }

  /** before-quit (cancellable), then every window closes (each cancellable), will-quit, quit, exit 0. */
  quit(): void {
    record('app.quit', [])
    if (quitting) return
    const event = new FakeEvent()
    this.emit('before-quit', event)
    if (event.defaultPrevented) return
    quitting = true
    setImmediate(() => {
      for (const window of [...FakeBrowserWindow.getAllWindows()]) {
        if (!window.closeForQuit()) {
          quitting = false
          return
        }
      }
      const willQuit = new FakeEvent()
      this.emit('will-quit', willQuit)
      if (willQuit.defaultPrevented) {
        quitting = false
        return
      }
      this.emit('quit', new FakeEvent(), 0)
      exitProcess(0)
    })
  }

  /** No events: the process ends now. */
  exit(code = 0): void {
    record('app.exit', [code])
    exitProcess(code)
  }

  focus(): void {
    record('app.focus', [])
  }
}

export const app = new FakeApp()

// ---- protocol ----------------------------------------------------------------------------------------------------

type ProtocolHandler = (request: Request) => Response | Promise<Response>
const privilegedSchemes: FakeSnapshot['privilegedSchemes'] = []
const protocolHandlers = new Map<string, ProtocolHandler>()

export const protocol = {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges?: Record<string, unknown> }[]): void {
    record('protocol.registerSchemesAsPrivileged', [schemes])
    if (ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready')
    for (const { scheme, privileges } of schemes) {
      privilegedSchemes.push({ scheme, privileges: privileges ?? {}, beforeReady: !ready })
    }
  },
  handle(scheme: string, handler: ProtocolHandler): void {
    record('protocol.handle', [scheme, handler])
    if (!ready) throw new Error('protocol.handle may only be called after the app is ready')
    if (protocolHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`)
    protocolHandlers.set(scheme, handler)
  },
  unhandle(scheme: string): void {
    record('protocol.unhandle', [scheme])
    protocolHandlers.delete(scheme)
  },
  isProtocolHandled(scheme: string): boolean {
    return protocolHandlers.has(scheme)
  }
}

// ---- windows -----------------------------------------------------------------------------------------------------

let loadFailuresLeft = Number(process.env.FAKE_ELECTRON_LOAD_FAILURES ?? 0)
let nextId = 1

class FakeWebContents extends EventEmitter {
  readonly id = nextId++
  url = ''
  private destroyed = false
  windowOpenHandler: ((details: { url: string }) => unknown) | null = null

  getURL(): string {
    return this.url
  }
  setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
    record(`webContents#${this.id}.setWindowOpenHandler`, [handler])
    this.windowOpenHandler = handler
  }
  send(channel: string, ...args: unknown[]): void {
    record(`webContents#${this.id}.send`, [channel, ...args])
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  destroy(): void {
    this.destroyed = true
  }
}

/** The script and stylesheet URLs an HTML page names, resolved against the page. */
function subresources(html: string, base: string): string[] {
  const urls: string[] = []
  for (const match of html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)) {
    urls.push(new URL(match[1]!, base).href)
  }
  return urls
}

class FakeBrowserWindow extends EventEmitter {
  private static windows: FakeBrowserWindow[] = []
  readonly id = nextId++
  readonly webContents = new FakeWebContents()
  readonly options: Record<string, unknown>
  visible = false
  shownBeforeReady = false
  readyToShow = false
  minimized = false
  maximized = false
  focused = false
  destroyed = false
  loads: LoadRecord[] = []
  private bounds: { x: number; y: number; width: number; height: number }

  constructor(options: Record<string, unknown> = {}) {
    super()
    record('new BrowserWindow', [options])
    this.options = json(options) as Record<string, unknown>
    this.bounds = {
      x: Number(options.x ?? 0),
      y: Number(options.y ?? 0),
      width: Number(options.width ?? 800),
      height: Number(options.height ?? 600)
    }
    FakeBrowserWindow.windows.push(this)
    app.emit('browser-window-created', new FakeEvent(), this)
    app.emit('web-contents-created', new FakeEvent(), this.webContents)
    if (options.show !== false) this.show()
  }

  static getAllWindows(): FakeBrowserWindow[] {
    return [...FakeBrowserWindow.windows]
  }
  static getFocusedWindow(): FakeBrowserWindow | null {
    return FakeBrowserWindow.windows.find((window) => window.focused) ?? null
  }

  /** Fetches the page and what it names through the registered protocol, then "paints" (ready-to-show). */
  async loadURL(url: string): Promise<void> {
    record(`BrowserWindow#${this.id}.loadURL`, [url])
    await new Promise((resolve) => setImmediate(resolve))
    if (loadFailuresLeft > 0) {
      loadFailuresLeft--
      return this.failLoad(url, -6, 'ERR_FILE_NOT_FOUND')
    }
    const handler = protocolHandlers.get(new URL(url).protocol.slice(0, -1))
    if (!handler) return this.failLoad(url, -302, 'ERR_UNKNOWN_URL_SCHEME')
    const page = await handler(new Request(url))
    const html = await page.text()
    this.loads.push({ url, status: page.status })
    for (const sub of subresources(html, url)) {
      const answer = await handler(new Request(sub))
      this.loads.push({ url: sub, status: answer.status })
    }
    if (this.destroyed) return
    this.webContents.url = url
    this.webContents.emit('dom-ready', new FakeEvent())
    this.webContents.emit('did-finish-load', new FakeEvent())
    this.readyToShow = true
    this.emit('ready-to-show', new FakeEvent())
  }

  private failLoad(url: string, code: number, description: string): never {
    this.webContents.emit('did-fail-load', new FakeEvent(), code, description, url, true)
    throw new Error(`${description} (${code}) loading '${url}'`)
  }

  show(): void {
    record(`BrowserWindow#${this.id}.show`, [])
    if (!this.readyToShow) this.shownBeforeReady = true
    this.visible = true
    this.emit('show', new FakeEvent())
  }
  hide(): void {
    record(`BrowserWindow#${this.id}.hide`, [])
    this.visible = false
  }
  isVisible(): boolean {
    return this.visible
  }
  /** Electron shows a hidden window it maximizes. */
  maximize(): void {
    record(`BrowserWindow#${this.id}.maximize`, [])
    this.maximized = true
    if (!this.visible) this.show()
  }
  unmaximize(): void {
    this.maximized = false
  }
  isMaximized(): boolean {
    return this.maximized
  }
  minimize(): void {
    record(`BrowserWindow#${this.id}.minimize`, [])
    this.minimized = true
    this.focused = false
  }
  isMinimized(): boolean {
    return this.minimized
  }
  restore(): void {
    record(`BrowserWindow#${this.id}.restore`, [])
    this.minimized = false
    this.visible = true
  }
  focus(): void {
    record(`BrowserWindow#${this.id}.focus`, [])
    this.focused = true
  }
  isFocused(): boolean {
    return this.focused
  }
  getBounds(): { x: number; y: number; width: number; height: number } {
    return { ...this.bounds }
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return { ...this.bounds }
  }
  isDestroyed(): boolean {
    return this.destroyed
  }

  /** The user closes the window: `close` may cancel; then it is gone, and the last one ends the app. */
  close(): void {
    record(`BrowserWindow#${this.id}.close`, [])
    if (this.destroyed) return
    const event = new FakeEvent()
    this.emit('close', event)
    if (event.defaultPrevented) return
    this.destroy()
    if (FakeBrowserWindow.windows.length === 0 && !quitting) {
      if (app.listenerCount('window-all-closed') > 0) app.emit('window-all-closed')
      else app.quit()
    }
  }

  /** Closing as part of app.quit(): no window-all-closed. False when the window cancelled it. */
  closeForQuit(): boolean {
    const event = new FakeEvent()
    this.emit('close', event)
    if (event.defaultPrevented) return false
    this.destroy()
    return true
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.visible = false
    this.webContents.destroy()
    FakeBrowserWindow.windows = FakeBrowserWindow.windows.filter((window) => window !== this)
    this.emit('closed')
  }
}

export const BrowserWindow = FakeBrowserWindow

// ---- ipcMain -----------------------------------------------------------------------------------------------------

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown
const invokeHandlers = new Map<string, InvokeHandler>()

class FakeIpcMain extends EventEmitter {
  handle(channel: string, handler: InvokeHandler): void {
    record('ipcMain.handle', [channel])
    if (invokeHandlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`)
    }
    invokeHandlers.set(channel, handler)
  }
  handleOnce(channel: string, handler: InvokeHandler): void {
    this.handle(channel, async (event, ...args) => {
      invokeHandlers.delete(channel)
      return handler(event, ...args)
    })
  }
  removeHandler(channel: string): void {
    record('ipcMain.removeHandler', [channel])
    invokeHandlers.delete(channel)
  }
}

export const ipcMain = new FakeIpcMain()

/** ipcRenderer.invoke from the (first) window's top frame, or from a frame showing `frameUrl`. */
async function invoke(channel: string, payload: unknown, frameUrl?: string): Promise<InvokeOutcome> {
  const handler = invokeHandlers.get(channel)
  const prefix = `Error invoking remote method '${channel}':`
  if (!handler) return { rejected: `${prefix} Error: No handler registered for '${channel}'` }
  const [window] = FakeBrowserWindow.getAllWindows()
  const url = frameUrl ?? window?.webContents.url
  const event = {
    sender: window?.webContents ?? null,
    senderFrame: url === undefined ? null : { url, parent: null },
    frameId: 1,
    processId: 1
  }
  try {
    return { resolved: await handler(event, payload) }
  } catch (error) {
    return { rejected: `${prefix} ${String(error)}` }
  }
}

// ---- session, dialog, clipboard, shell -------------------------------------------------------------------------

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (ok: boolean) => void
) => void
type PermissionCheckHandler = (contents: unknown, permission: string) => boolean
let permissionRequestHandler: PermissionRequestHandler | null = null
let permissionCheckHandler: PermissionCheckHandler | null = null

export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
      record('session.setPermissionRequestHandler', [handler])
      permissionRequestHandler = handler
    },
    setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
      record('session.setPermissionCheckHandler', [handler])
      permissionCheckHandler = handler
    }
  }
}

const dialogs: DialogSnapshot[] = []
const dialogResponses = (process.env.FAKE_ELECTRON_DIALOG_RESPONSES ?? '')
  .split(',')
  .filter((item) => item !== '')
  .map(Number)

interface MessageBoxOptions {
  type?: string
  title?: string
  message: string
  detail?: string
  buttons?: string[]
  defaultId?: number
}

function messageBox(options: MessageBoxOptions): { response: number; checkboxChecked: boolean } {
  dialogs.push({
    kind: 'message',
    title: options.title ?? '',
    message: options.message,
    detail: options.detail ?? null,
    buttons: options.buttons ?? []
  })
  return { response: dialogResponses.shift() ?? options.defaultId ?? 0, checkboxChecked: false }
}

/** The options, whether or not a parent window came first. */
function boxOptions(first: unknown, second: unknown): MessageBoxOptions {
  return (first instanceof FakeBrowserWindow ? second : first) as MessageBoxOptions
}

export const dialog = {
  showErrorBox(title: string, content: string): void {
    record('dialog.showErrorBox', [title, content])
    dialogs.push({ kind: 'error', title, message: content, detail: null, buttons: [] })
  },
  async showMessageBox(
    first: unknown,
    second?: unknown
  ): Promise<{ response: number; checkboxChecked: boolean }> {
    record('dialog.showMessageBox', [boxOptions(first, second)])
    return messageBox(boxOptions(first, second))
  },
  showMessageBoxSync(first: unknown, second?: unknown): number {
    record('dialog.showMessageBoxSync', [boxOptions(first, second)])
    return messageBox(boxOptions(first, second)).response
  }
}

let clipboardText = ''
export const clipboard = {
  readText(): string {
    record('clipboard.readText', [])
    return clipboardText
  },
  writeText(text: string): void {
    record('clipboard.writeText', ['[text]'])
    clipboardText = text
  },
  clear(): void {
    clipboardText = ''
  }
}

export const shell = {
  async openExternal(url: string): Promise<void> {
    record('shell.openExternal', [url])
  },
  async openPath(path: string): Promise<string> {
    record('shell.openPath', [path])
    return ''
  }
}

export default { app, BrowserWindow, ipcMain, protocol, session, dialog, clipboard, shell }

// ---- the driver's commands -----------------------------------------------------------------------------------

function snapshot(): FakeSnapshot {
  let request: boolean | null = null
  permissionRequestHandler?.(null, 'notifications', (ok) => (request = ok))
  return {
    ready,
    windows: FakeBrowserWindow.getAllWindows().map((window) => ({
      id: window.id,
      options: window.options,
      visible: window.visible,
      shownBeforeReady: window.shownBeforeReady,
      readyToShow: window.readyToShow,
      minimized: window.minimized,
      maximized: window.maximized,
      focused: window.focused,
      url: window.webContents.url || null,
      loads: window.loads
    })),
    dialogs,
    channels: [...invokeHandlers.keys()],
    privilegedSchemes,
    handledSchemes: [...protocolHandlers.keys()],
    permissions: { request, check: permissionCheckHandler?.(null, 'notifications') ?? null },
    calls
  }
}

function firstWindow(): FakeBrowserWindow {
  const [window] = FakeBrowserWindow.getAllWindows()
  if (!window) throw new Error('the app has no window')
  return window
}

async function run(command: FakeCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'invoke':
      return invoke(command.channel, command.payload, command.frameUrl)
    case 'snapshot':
      return snapshot()
    case 'quit':
      app.quit()
      return null
    case 'closeWindow':
      firstWindow().close()
      return null
    case 'minimizeWindow':
      firstWindow().minimize()
      return null
    case 'secondInstance':
      app.emit('second-instance', new FakeEvent(), command.argv, command.cwd, {})
      return null
    case 'endSession':
      // Windows asks first (query-session-end), then ends the session; before-quit never comes.
      for (const window of FakeBrowserWindow.getAllWindows())
        window.emit('query-session-end', new FakeEvent())
      for (const window of FakeBrowserWindow.getAllWindows()) window.emit('session-end', new FakeEvent())
      return null
  }
}

if (process.send) {
  process.on('message', (message: FakeRequest) => {
    void run(message.command)
      .then(
        (value): FakeReply => ({ id: message.id, ok: true, value }),
        (error: unknown): FakeReply => ({ id: message.id, ok: false, error: String(error) })
      )
      .then((reply) => process.send?.(reply))
  })
}

// Electron emits ready after the main script has run: this module is evaluated first, the app right after.
setImmediate(() => app.fireReady())
