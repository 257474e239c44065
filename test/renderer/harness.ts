// Runs the BUILT renderer (out/renderer) in Debian's Chromium, with window.flowkeys bound to the same handler
// table the Electron shell registers, over a real core (store in a temp folder, vault key in the real OS
// keychain) and the real key server. The substitutes are the platform services: the clipboard (in memory: no
// desktop session) and the native save dialog (it answers a temp path, or what a test queued). Main's pushes come
// from the same sources and push service the shell wires (src/main/ipc/pushes.ts), sent to the page's dispatcher
// (fixtures/bridge-init.ts) instead of webContents.send. The suite's tests get their app from ./app-fixtures.ts; the
// benchmark of the Global variables page (bench/variables-page.ts) serves and opens the renderer with the same code.
import { buildSync } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { openCore, type Core } from '../../src/main/core/open'
import { createHandlerTable, type HandlerTable } from '../../src/main/ipc/handlers'
import { keyServerController } from '../../src/main/ipc/key-server'
import { pushService, wirePushes } from '../../src/main/ipc/pushes'
import { observeServer } from '../../src/main/ipc/server-controller'
import { makeRecoveryKey } from '../../src/main/recovery/recovery'
import type { Preferences, ServerController } from '../../src/main/ipc/services'
import { UNTRUSTED_SENDER } from '../../src/main/shell/ipc-register'
import { isTrustedSender } from '../../src/main/shell/security'
import { isChannel, type Channel, type EventName, type StartupState } from '../../src/shared/ipc'
import { memoryClipboard } from '../helpers/clipboard'
import { fakeSaveDialog, freePort } from '../ipc/services'
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './chromium'

const root = resolve(import.meta.dirname, '../..')
export const rendererDir = join(root, 'out', 'renderer')

/** `npm test` builds before the tests; a lone `playwright test` builds here (its globalSetup) when out/ is missing. */
export function ensureBuilt(): void {
  if (existsSync(join(rendererDir, 'index.html'))) return
  const result = spawnSync('bash', [join(root, 'scripts/build.sh'), '--logLevel', 'warn'], {
    stdio: 'inherit'
  })
  if (result.status !== 0) throw new Error('the build (scripts/build.sh) failed')
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml'
}

/** Answers a request the static server should not (true: answered); the benchmark's IPC route. */
export type Route = (request: IncomingMessage, response: ServerResponse, path: string) => boolean

/** A static file server for out/renderer on the loopback address; `route` sees each request first. */
export async function serveRenderer(route?: Route): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)
    if (route?.(request, response, path)) return
    if (path === '/favicon.ico') {
      response.writeHead(204).end() // Chromium asks for one; the app has none (Electron never asks).
      return
    }
    const file = normalize(join(rendererDir, path === '/' ? 'index.html' : path))
    if (!file.startsWith(rendererDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    response.end(readFileSync(file))
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

let bridgeScript: string | undefined
/** fixtures/bridge-init.ts as a script for the page: window.flowkeys over window.__flowkeysInvoke, and the pushes. */
export function bridgeInitScript(): string {
  bridgeScript ??= buildSync({
    entryPoints: [join(import.meta.dirname, 'fixtures/bridge-init.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'error'
  }).outputFiles[0]!.text
  return bridgeScript
}

/** Debian's Chromium (./chromium.ts). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS })
}

/** A window of the app's default size, 1280×800. */
export const WINDOW = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }

export interface Exchange {
  channel: Channel
  payload: unknown
  result: unknown
}

/** The page-side dispatcher fixtures/bridge-init.ts installs (the preload's ipcRenderer.on in the app). */
type PageDispatch = (event: unknown, payload: unknown) => void

export interface Push {
  event: EventName
  payload: unknown
}

export interface App {
  core: Core
  table: HandlerTable
  server: ServerController
  clipboard: ReturnType<typeof memoryClipboard>
  /** Every IPC request and response of the session, in order. */
  exchanges: Exchange[]
  /** Every push main sent to the page (validated), in order. */
  pushes: Push[]
  openedExternally: string[]
  /** What the save dialog answers next (null: the user cancelled); when empty, a new temp path. */
  backupPaths: (string | null)[]
  /** How many times main asked where to save a backup. */
  saveDialogs: { count: number }
  /** What app:startup answers instead of "ready" while set (the start-up screens). */
  startupOverride: StartupState | null
  origin: string
  browser: Browser
  context: BrowserContext
  page: Page
  /**
   * What the page logged as errors (uncaught exceptions, console errors, CSP violations) and no one took yet:
   * ./app-fixtures.ts fails the test they came in; close() fails on what is left.
   */
  errors: string[]
  close(): Promise<void>
}

/** Closes what `opened` holds, last opened first; all of it, then throws the first failure if any. */
async function closeAll(opened: (() => Promise<unknown>)[]): Promise<void> {
  const failures: unknown[] = []
  for (const close of opened.splice(0).reverse()) await close().catch((err: unknown) => failures.push(err))
  if (failures.length > 0) throw failures[0]
}

export interface LaunchOptions {
  /** The core's environment (default: none), e.g. FLOWKEYS_UPSTREAM_URL. */
  env?: NodeJS.ProcessEnv
  /** Make the store's recovery key before the page opens (default true), so the app does not offer one at
   * start; false: a store without one, as at a first start. */
  recoveryKey?: boolean
}

export async function launchApp(dataDir: string, options: LaunchOptions = {}): Promise<App> {
  ensureBuilt()
  // What is open so far: if the launch fails half-way, closed here (a browser left running would keep its
  // profile folder in the temp dir); otherwise by the app's close().
  const opened: (() => Promise<unknown>)[] = []
  try {
    return await launch(dataDir, opened, options)
  } catch (err) {
    await closeAll(opened).catch(() => undefined)
    throw err
  }
}

async function launch(
  dataDir: string,
  opened: (() => Promise<unknown>)[],
  options: LaunchOptions = {}
): Promise<App> {
  const core = await openCore({ dataDir, env: { ...options.env } })
  opened.push(() => core.close())
  if (options.recoveryKey !== false) await makeRecoveryKey(core)
  const preferences: Preferences = { serverPort: await freePort(), autostart: true }
  // Main → page: in order, each through page.evaluate to the page-side dispatcher; none before the page opens
  // (as the app's window hears nothing before it loads), none after it closed.
  const pushes: Push[] = []
  const target: { page: Page | null } = { page: null }
  let delivering: Promise<unknown> = Promise.resolve()
  const push = pushService((event, payload) => {
    const page = target.page
    if (!page) return
    pushes.push({ event, payload })
    delivering = delivering.then(() =>
      page
        .evaluate(
          ([e, p]) => (window as unknown as { __flowkeysPush?: PageDispatch }).__flowkeysPush?.(e, p),
          [event, payload] as const
        )
        .catch(() => undefined)
    )
  })
  const server = observeServer(
    keyServerController(core, { port: () => preferences.serverPort, version: '0.1.0' }),
    (status) => push('server:changed', status)
  )
  const unwire = wirePushes(core, push)
  opened.push(async () => unwire())
  const clipboard = memoryClipboard()
  const openedExternally: string[] = []
  const state = { startupOverride: null as StartupState | null }
  const saveDialog = fakeSaveDialog()
  const table = createHandlerTable(core, {
    startup: () => state.startupOverride ?? { phase: 'ready', message: null },
    server,
    clipboard,
    preferences: {
      get: () => ({ ...preferences }),
      update: (patch) => Object.assign(preferences, patch)
    },
    openInBrowser: async (url) => {
      openedExternally.push(url)
    },
    chooseBackupPath: saveDialog.chooseBackupPath,
    appVersion: '0.1.0'
  })
  await server.start()
  opened.push(() => server.stop())

  const { server: staticServer, origin } = await serveRenderer()
  opened.push(() => new Promise((done) => staticServer.close(done)))
  const browser = await launchChromium()
  opened.push(() => browser.close())
  const context = await browser.newContext(WINDOW)
  const exchanges: Exchange[] = []
  // The same checks ipc-register.ts makes in the app: a trusted sender, a known channel; then the table.
  await context.exposeBinding('__flowkeysInvoke', async (source, channel: unknown, payload: unknown) => {
    if (!isTrustedSender(source.frame.url(), origin) || !isChannel(channel)) return UNTRUSTED_SENDER
    const result = await table[channel](payload)
    exchanges.push({ channel, payload, result })
    return result
  })
  await context.addInitScript({ content: bridgeInitScript() })
  // Every CSP violation becomes a console error, which close() turns into a failure of the run.
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      console.error('CSP violation: ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline')))`
  })
  const page = await context.newPage()
  target.page = page
  opened.push(async () => {
    target.page = null
  })
  // Fail a step in seconds, with Playwright's message, rather than at the test's timeout.
  page.setDefaultTimeout(8_000)
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  await page.goto(`${origin}/index.html`)
  await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor()

  return {
    core,
    table,
    server,
    clipboard,
    exchanges,
    pushes,
    openedExternally,
    backupPaths: saveDialog.backupPaths,
    saveDialogs: saveDialog.saveDialogs,
    get startupOverride() {
      return state.startupOverride
    },
    set startupOverride(value) {
      state.startupOverride = value
    },
    origin,
    browser,
    context,
    page,
    errors,
    async close() {
      await closeAll(opened)
      if (errors.length > 0) throw new Error(`The page logged errors: ${errors.join(' | ')}`)
    }
  }
}
