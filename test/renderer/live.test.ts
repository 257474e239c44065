/// <reference lib="dom" />
// End-to-end: the window is live, not polled. Main pushes the key server's status, each request it answers and
// another process's change of the store (src/main/ipc/pushes.ts); the built renderer applies them at once, and
// nothing asks main again on a timer. Over the real handler table, core, key server and CLI (./harness.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Locator } from 'playwright-core'
import { flowkeys } from '../cli/helpers'
import { tempDir } from '../helpers/tmp'
import { launchApp, type App } from './harness'

let app: App
let dataDir: string

beforeAll(async () => {
  dataDir = tempDir('flowkeys-live-')
  app = await launchApp(dataDir)
})

afterAll(async () => {
  await app?.close()
})

/** Far below the old polls (2 s for the log, 5 s for the status): only a push can be this quick. */
const LIVE_MS = 1_000

const nav = (name: string): Promise<void> =>
  app.page.getByRole('navigation').getByRole('button', { name }).click()
const pill = (text: string | RegExp): Locator =>
  app.page.getByRole('navigation', { name: 'Sections' }).getByText(text)
const invokes = (...channels: string[]): number =>
  app.exchanges.filter((e) => channels.includes(e.channel)).length
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

describe('the key server status', () => {
  it('follows a stop made outside the page (main), without a poll', async () => {
    await pill(/^Serving on :/).waitFor()
    await app.server.stop()
    await pill('Server stopped').waitFor({ timeout: LIVE_MS })
    expect(app.pushes.some((p) => p.event === 'server:changed')).toBe(true)
  })

  it('starts from the page: the page and the sidebar say so', async () => {
    await nav('Key server')
    const state = app.page.getByTestId('server-state')
    await expect.poll(() => state.textContent(), { timeout: LIVE_MS }).toBe('Stopped')
    await app.page.getByRole('button', { name: 'Start', exact: true }).click()
    await expect.poll(() => state.textContent(), { timeout: LIVE_MS }).toBe('Running')
    await pill(`Serving on :${app.server.status().port}`).waitFor({ timeout: LIVE_MS })
  })

  it('follows a start made outside the page while it is open', async () => {
    const state = app.page.getByTestId('server-state')
    await app.server.stop()
    await expect.poll(() => state.textContent(), { timeout: LIVE_MS }).toBe('Stopped')
    await app.server.start()
    await expect.poll(() => state.textContent(), { timeout: LIVE_MS }).toBe('Running')
  })
})

describe('the request log', () => {
  it('shows a request to the running key server within a second, with the key name and no key', async () => {
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

  it('is fetched once on opening the page, then only grows from pushes', async () => {
    const fetched = invokes('server:accessLog')
    await nav('API keys')
    await nav('Key server')
    await expect.poll(() => invokes('server:accessLog')).toBe(fetched + 1)
    for (let i = 0; i < 3; i++) {
      expect((await fetch(`${app.server.status().url}/health`)).status).toBe(200)
    }
    const health = app.page
      .getByRole('table', { name: 'Recent requests' })
      .getByRole('row')
      .filter({ hasText: '/health' })
    await expect.poll(() => health.count(), { timeout: LIVE_MS }).toBeGreaterThanOrEqual(3)
    expect(invokes('server:accessLog')).toBe(fetched + 1)
  })
})

describe('the store changed by another process', () => {
  it('updates the Variables page when the CLI sets a variable, without a reload', async () => {
    await nav('Global variables')
    await app.page.getByRole('heading', { name: 'Global variables', level: 1 }).waitFor()
    const lists = invokes('variables:list')
    expect(lists).toBeGreaterThan(0)
    const result = await flowkeys(
      ['vars', 'set', 'LIVE_FROM_CLI', '--type', 'Generic', '--value-stdin', '--data-dir', dataDir],
      { input: 'pushed-value' }
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    await app.page.getByText('LIVE_FROM_CLI', { exact: true }).first().waitFor({ timeout: 5_000 })
    expect(app.pushes.filter((p) => p.event === 'store:changed')).toEqual([
      { event: 'store:changed', payload: { what: 'all' } }
    ])
    expect(invokes('variables:list')).toBe(lists + 1)
  })

  it("does not echo the app's own writes", async () => {
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

describe('no polling', () => {
  it('asks main nothing about the server while idle, on the Key server page', async () => {
    await nav('Key server')
    await app.page.getByTestId('server-state').waitFor()
    await sleep(500)
    const before = invokes('server:status', 'server:accessLog', 'server:errors')
    await sleep(6_500)
    expect(invokes('server:status', 'server:accessLog', 'server:errors')).toBe(before)
  })
})
