// The renderer suite's Playwright fixtures. `app` is the app of a test file (./harness.ts): launched once per
// worker, from the options the file gives at its top in `test.use({ launch })`, and closed when the worker ends.
// Each such test.use makes the file's tests a worker of their own, so every file has an app (a core, a store in a
// temp folder, a key server, a Chromium) of its own, and its tests share it in order, as they did under vitest's
// forks. After each test, the dialogs it left open are closed and whatever the page logged as an error fails it.
// When the worker ends, so does the file: what it made in the temp dir goes (test/helpers/file-end.ts).
import { test as base, expect as baseExpect, type Page } from '@playwright/test'
import { endFile } from '../helpers/file-end'
import { tempDir } from '../helpers/tmp'
import { launchApp, type App, type LaunchOptions } from './harness'

export interface Launch extends LaunchOptions {
  /** The name of the app's data folder in the temp dir, up to its random end: says whose app it is. */
  prefix: string
}

/** Clicks a section of the sidebar ('API keys', 'Global variables', 'Import .env', 'Key server', 'Vault', 'Users'). */
export function navigate(page: Page, name: string): Promise<void> {
  return page.getByRole('navigation').getByRole('button', { name, exact: true }).click()
}

/** The payloads the page sent on `channel`, in order. */
export function sent(app: App, channel: string): unknown[] {
  return app.exchanges.filter((e) => e.channel === channel).map((e) => e.payload)
}

/** Closes what dialogs are open: Escape, or "Close anyway" where a new key was never copied. */
async function closeDialogs(page: Page): Promise<void> {
  for (let i = 0; i < 3 && (await page.locator('dialog[open]').count()) > 0; i++) {
    const anyway = page.getByRole('button', { name: 'Close anyway' })
    if (await anyway.isVisible()) await anyway.click()
    else await page.keyboard.press('Escape')
  }
}

interface TestFixtures {
  /** navigate() on the app's page. */
  nav: (name: string) => Promise<void>
  afterEachTest: void
}

interface WorkerFixtures {
  launch: Launch | null
  app: App
  fileEnd: void
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  launch: [null, { scope: 'worker', option: true }],

  // First set up, so last torn down: after the app has closed.
  fileEnd: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => {
      await use()
      endFile()
    },
    { scope: 'worker', auto: true }
  ],

  app: [
    async ({ launch }, use) => {
      if (!launch) throw new Error('Give the file its app: test.use({ launch: { prefix: … } }) at its top')
      const app = await launchApp(tempDir(launch.prefix), launch)
      try {
        await use(app)
      } finally {
        await app.close()
      }
    },
    // vitest's hookTimeout, which the launch in a beforeAll had.
    { scope: 'worker', timeout: 60_000 }
  ],

  afterEachTest: [
    async ({ app }, use) => {
      await use()
      // What a test left open must not block the next one's clicks.
      await closeDialogs(app.page)
      const errors = app.errors.splice(0)
      if (errors.length > 0) throw new Error(`The page logged errors: ${errors.join(' | ')}`)
    },
    { auto: true }
  ],

  nav: async ({ app }, use) => {
    await use((name) => navigate(app.page, name))
  }
})

/**
 * Playwright's expect, with vitest's defaults for expect.poll, which these tests were written against: a try every
 * 50 ms, for a second unless a test says otherwise.
 */
export const expect = baseExpect.configure({ timeout: 1_000 })
const poll = expect.poll
expect.poll = (actual, messageOrOptions) =>
  poll(actual, {
    intervals: [50],
    ...(typeof messageOrOptions === 'string' ? { message: messageOrOptions } : messageOrOptions)
  })

export type { App } from './harness'
