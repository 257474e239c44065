// The app's Global variables page with 10,000 variables (and 10,000 keys): the BUILT renderer (out/renderer) in
// Debian's Chromium, window.flowkeys bound to the real IPC handler table over a real core, served, bridged and
// launched by the renderer tests' own code (test/renderer/harness.ts).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { createHandlerTable } from '../src/main/ipc/handlers'
import { keyServerController } from '../src/main/ipc/key-server'
import type { Preferences } from '../src/main/ipc/services'
import { makeRecoveryKey } from '../src/main/recovery/recovery'
import { isChannel } from '../src/shared/ipc'
import {
  bridgeInitScript,
  launchChromium,
  rendererDir,
  serveRenderer,
  WINDOW,
  type Route
} from '../test/renderer/harness'
import type { BenchContext, Section } from './context'
import { median, wholeMs } from './stats'

const VARIABLES = 10_000
const KEYS = 10_000
/** Of the variables, this many are Generic (their values are decrypted for the listing); the rest Credentials. */
const GENERIC = 2_000
const TARGET_MS = 1_000
const { viewport: VIEWPORT } = WINDOW

type Invoke = (channel: unknown, payload: unknown) => Promise<unknown>

/**
 * `POST /__ipc` for the IPC, beside the renderer's files: `{channel, payload}` in, the handler table's answer out,
 * as JSON. It stands in for Electron's IPC (a structured clone, milliseconds for the listing); Playwright's binding,
 * which the renderer tests use, takes one to two seconds to carry a 2 MB answer across the DevTools protocol.
 */
function ipcRoute(invoke: Invoke): Route {
  return (request, response, path) => {
    if (request.method !== 'POST' || path !== '/__ipc') return false
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const { channel, payload } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        channel?: unknown
        payload?: unknown
      }
      void invoke(channel, payload).then((result) => {
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(JSON.stringify(result))
      })
    })
    return true
  }
}

interface Open {
  ms: number
  rows: number
}

/**
 * Runs in the page, as source text: tsx would wrap a function's inner functions in a helper the page lacks.
 * Clicks "Global variables", waits for a row in the DOM, then for the frame with it to be committed.
 */
const OPEN_SCRIPT = `(async () => {
  const button = Array.from(document.querySelectorAll('nav button')).find(
    (b) => b.getAttribute('aria-label') === 'Global variables'
  )
  if (!button) throw new Error('no Global variables button in the sidebar')
  const t0 = performance.now()
  button.click()
  await new Promise((done) => {
    const check = () => (document.querySelector('tbody tr[data-variable]') ? done() : requestAnimationFrame(check))
    check()
  })
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))
  return { ms: performance.now() - t0, rows: document.querySelectorAll('tbody tr[data-variable]').length }
})()`

/** Runs before the bridge (test/renderer/fixtures/bridge-init.ts), which takes window.__flowkeysInvoke. */
const FETCH_INVOKE_SCRIPT = `window.__flowkeysInvoke = async (channel, payload) =>
  (await fetch('/__ipc', { method: 'POST', body: JSON.stringify({ channel, payload }) })).json()`

const IPC_SCRIPT = `(async () => {
  const t0 = performance.now()
  const result = await window.flowkeys.variables.list()
  if (!result.ok || result.value.length !== ${VARIABLES}) throw new Error('variables:list failed')
  return performance.now() - t0
})()`

/**
 * From the click on "Global variables" in the sidebar to the first frame painted after the first row is in the
 * DOM (a requestAnimationFrame, then a task: the frame with the row has been committed), timed in the page.
 */
async function openVariables(page: Page): Promise<Open> {
  await page.getByRole('navigation').getByRole('button', { name: 'API keys', exact: true }).click()
  await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor()
  return page.evaluate(OPEN_SCRIPT) as Promise<Open>
}

export async function variablesPage(ctx: BenchContext): Promise<Section> {
  if (!existsSync(join(rendererDir, 'index.html')))
    throw new Error('out/renderer is missing: run `npm run build` first')
  ctx.log(`Global variables page with ${VARIABLES.toLocaleString('en')} variables in Chromium`)
  const { dir } = await ctx.prepare('variables-page', {
    keys: KEYS,
    variables: VARIABLES,
    variableOptions: { generic: GENERIC }
  })
  const core = await ctx.openCore(dir)
  // With a recovery key, the app does not open its offer of one over the page at start.
  await makeRecoveryKey(core)
  const preferences: Preferences = { serverPort: 0, autostart: false }
  let clipboardText = ''
  const table = createHandlerTable(core, {
    server: keyServerController(core, { port: () => preferences.serverPort, version: '0.1.0' }),
    clipboard: {
      readText: () => clipboardText,
      writeText: (text: string) => {
        clipboardText = text
      }
    },
    preferences: { get: () => ({ ...preferences }), update: (patch) => Object.assign(preferences, patch) },
    openInBrowser: async () => undefined,
    chooseBackupPath: async () => null,
    appVersion: '0.1.0',
    log: (message) => ctx.log(message)
  })
  const { server, origin } = await serveRenderer(
    ipcRoute(async (channel, payload) =>
      isChannel(channel)
        ? table[channel](payload)
        : { ok: false, error: { kind: 'Forbidden', message: 'unknown channel' } }
    )
  )
  const browser = await launchChromium()
  const first: Open[] = []
  const again: Open[] = []
  const ipc: number[] = []
  let listed = 0
  try {
    for (let round = 0; round < ctx.rounds; round++) {
      // Each round a fresh window: its first open loads the 10,000 variables over IPC; the second reloads them
      // (the page asks main again each time it is shown) into a store that already holds them.
      const context = await browser.newContext(WINDOW)
      try {
        await context.addInitScript({ content: FETCH_INVOKE_SCRIPT })
        await context.addInitScript({ content: bridgeInitScript() })
        const page = await context.newPage()
        await page.goto(`${origin}/index.html`)
        await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor({ timeout: 60_000 })
        // The API keys page, where the window opens, has loaded its 10,000 keys: nothing else is in flight.
        await page.getByText(`${KEYS.toLocaleString('en')} keys`).waitFor({ timeout: 60_000 })
        first.push(await openVariables(page))
        await page.getByText(`${VARIABLES.toLocaleString('en')} variables`).waitFor({ timeout: 60_000 })
        listed = VARIABLES
        again.push(await openVariables(page))
        // The listing alone, as the page asks for it (through the test binding that stands in for Electron's IPC).
        ipc.push(await page.evaluate(IPC_SCRIPT))
      } finally {
        await context.close()
      }
    }
  } finally {
    await browser.close()
    await new Promise((done) => server.close(done))
    await core.close()
  }
  const firstMs = median(first.map((o) => o.ms))
  const againMs = median(again.map((o) => o.ms))
  const rows = Math.max(...first.map((o) => o.rows), ...again.map((o) => o.rows))
  const list = (opens: Open[]): string => opens.map((o) => wholeMs(o.ms)).join(', ')
  return {
    title: 'Global variables page with 10,000 variables (Chromium)',
    rows: [
      {
        figure: 'Global variables page open, 10,000 variables (first open of a window)',
        value: wholeMs(firstMs),
        target: `< ${wholeMs(TARGET_MS)}`,
        met: firstMs < TARGET_MS
      },
      {
        figure: 'Global variables page open again, 10,000 variables',
        value: wholeMs(againMs),
        target: `< ${wholeMs(TARGET_MS)}`,
        met: againMs < TARGET_MS
      }
    ],
    details: `The built renderer (\`out/renderer\`, from \`npm run build\`) in Debian's Chromium
(${VIEWPORT.width}×${VIEWPORT.height}), \`window.flowkeys\` bound to the real IPC handler table over a real core
(the JSON store with ${KEYS.toLocaleString('en')} API keys and ${listed.toLocaleString('en')} variables,
${GENERIC.toLocaleString('en')} of them Generic, whose values the listing decrypts). Timed in the page, from the
click on "Global variables" in the sidebar to the first frame painted after the first row is in the DOM: the
IPC listing, React's render and the paint. Each of the ${ctx.rounds} rounds opens a fresh window: its first open
loads the variables, the second (after going to API keys and back) loads them again into a store that holds
them. The table is virtualised (\`src/renderer/src/lib/virtual.ts\`, shared with the API keys table): at most
${rows} rows were in the DOM.

| open | median | each round |
|---|---|---|
| first in a window | ${wholeMs(firstMs)} | ${list(first)} |
| again | ${wholeMs(againMs)} | ${list(again)} |
| the \`variables:list\` call alone, after the opens | ${wholeMs(median(ipc))} | ${ipc.map(wholeMs).join(', ')} |

The page shows the rows it holds at once and refreshes them when the listing answers, so the second open paints
before the listing is back; the first has none to show, and waits for it. The IPC crosses a loopback HTTP request
to the bench process here (the page's \`fetch\`, allowed by its CSP's \`connect-src 'self'\`), standing in for
Electron's IPC (a structured clone within the machine); Playwright's binding, which the renderer tests use, takes one
to two seconds on this machine to carry the 2 MB answer.`
  }
}
