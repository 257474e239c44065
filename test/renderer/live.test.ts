/// <reference lib="dom" />
// End-to-end: the window is live, not polled. Main pushes the key server's status, each request it answers and
// another process's change of the store (src/main/ipc/pushes.ts); the built renderer applies them at once, and
// nothing asks main again on a timer. Over the real handler table, core, key server and CLI (./harness.ts).
import type { Locator, Page } from '@playwright/test'
import { flowkeys } from '../cli/run-cli'
import { expect, test, type App } from './app-fixtures'

test.use({ launch: { prefix: 'flowkeys-live-' } })
// The tests go on from where the one before left the app: after a failure, the rest do not run.
test.describe.configure({ mode: 'serial' })

/** Far below the old polls (2 s for the log, 5 s for the status): only a push can be this quick. */
const LIVE_MS = 1_000

const pill = (page: Page, text: string | RegExp): Locator =>
  page.getByRole('navigation', { name: 'Sections' }).getByText(text)
const invokes = (app: App, ...channels: string[]): number =>
  app.exchanges.filter((e) => channels.includes(e.channel)).length
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

test.describe('the key server status', () => {
  test('follows a stop made outside the page (main), without a poll', async ({ app }) => {
    await pill(app.page, /^Serving on :/).waitFor()
    await app.server.stop()
    await pill(app.page, 'Server stopped').waitFor({ timeout: LIVE_MS })
    expect(app.pushes.some((p) => p.event === 'server:changed')).toBe(true)
  })

  test('starts from the page: the page and the sidebar say so', async ({ app, nav }) => {
    await nav('Key server')
    const state = app.page.getByTestId('server-state')
    await expect.poll(() => state.textContent(), { timeout: LIVE_MS }).toBe('Stopped')
    await app.page.getByRole('button', { name: 'Start', exact: true }).click()
    await expect.poll(() => state.textContent(), { timeout: LIVE_MS }).toBe('Running')
    await pill(app.page, `Serving on :${app.server.status().port}`).waitFor({ timeout: LIVE_MS })
  })

  test('follows a start made outside the page while it is open', async ({ app }) => {
    const state = app.page.getByTestId('server-state')
    await app.server.stop()
    await expect.poll(() => state.textContent(), { timeout: LIVE_MS }).toBe('Stopped')
    await app.server.start()
    await expect.poll(() => state.textContent(), { timeout: LIVE_MS }).toBe('Running')
  })
})

test.describe('the request log', () => {
  test('shows a request to the running key server within a second, with the key name and no key', async ({
    app
  }) => {
    const { page } = app
    const { api_key } = await app.core.keys.create(app.core.desktopActor(), { name: 'live laptop' })
    const url = app.server.status().url
    expect(url).not.toBeNull()
    const response = await fetch(`${url}/api/v1/users/whoami?probe=1`, { headers: { 'x-api-key': api_key } })
    expect(response.status).toBe(200)
    const row = page
      .getByRole('table', { name: 'Recent requests' })
      .getByRole('row')
      .filter({ hasText: '/api/v1/users/whoami' })
      .filter({ hasText: 'live laptop' })
    await row.first().waitFor({ timeout: LIVE_MS })
    expect((await row.first().getByRole('cell').allTextContents()).slice(1)).toEqual([
      'GET',
      '/api/v1/users/whoami',
      'live laptop',
      '200'
    ])
    const pushed = app.pushes.filter((p) => p.event === 'access:entry')
    expect(pushed.length).toBeGreaterThan(0)
    expect(JSON.stringify(app.pushes)).not.toContain(api_key)
    expect(JSON.stringify(app.pushes)).not.toContain('probe=1')
    expect(await page.content()).not.toContain(api_key)
  })

  test('is fetched once on opening the page, then only grows from pushes', async ({ app, nav }) => {
    const fetched = invokes(app, 'server:accessLog')
    await nav('API keys')
    await nav('Key server')
    await expect.poll(() => invokes(app, 'server:accessLog')).toBe(fetched + 1)
    for (let i = 0; i < 3; i++) {
      expect((await fetch(`${app.server.status().url}/health`)).status).toBe(200)
    }
    const health = app.page
      .getByRole('table', { name: 'Recent requests' })
      .getByRole('row')
      .filter({ hasText: '/health' })
    await expect.poll(() => health.count(), { timeout: LIVE_MS }).toBeGreaterThanOrEqual(3)
    expect(invokes(app, 'server:accessLog')).toBe(fetched + 1)
  })
})

test.describe('the store changed by another process', () => {
  test('updates the Variables page when the CLI sets a variable, without a reload', async ({ app, nav }) => {
    await nav('Global variables')
    await app.page.getByRole('heading', { name: 'Global variables', level: 1 }).waitFor()
    const lists = invokes(app, 'variables:list')
    expect(lists).toBeGreaterThan(0)
    const result = await flowkeys(
      ['vars', 'set', 'LIVE_FROM_CLI', '--type', 'Generic', '--value-stdin', '--data-dir', app.core.dataDir],
      { input: 'pushed-value' }
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    await app.page.getByText('LIVE_FROM_CLI', { exact: true }).first().waitFor({ timeout: 5_000 })
    expect(app.pushes.filter((p) => p.event === 'store:changed')).toEqual([
      { event: 'store:changed', payload: { what: 'all' } }
    ])
    expect(invokes(app, 'variables:list')).toBe(lists + 1)
  })

  test("does not echo the app's own writes", async ({ app }) => {
    const before = app.pushes.filter((p) => p.event === 'store:changed').length
    await app.core.variables.create(app.core.desktopActor().id, {
      name: 'LIVE_OWN_WRITE',
      value: 'x',
      type: 'Generic',
      default_fields: []
    })
    await sleep(800)
    expect(app.pushes.filter((p) => p.event === 'store:changed').length).toBe(before)
  })
})

test.describe('no polling', () => {
  test('asks main nothing about the server while idle, on the Key server page', async ({ app, nav }) => {
    await nav('Key server')
    await app.page.getByTestId('server-state').waitFor()
    await sleep(500)
    const before = invokes(app, 'server:status', 'server:accessLog', 'server:errors')
    await sleep(6_500)
    expect(invokes(app, 'server:status', 'server:accessLog', 'server:errors')).toBe(before)
  })
})
