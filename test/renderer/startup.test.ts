import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { send } from '../server/http'
import type { StartupState } from '../../src/shared/ipc'
import { expect, test, type App } from './app-fixtures'

// What the window shows before the core is open (issue "The app's main process": waiting for the keychain) and
// the key server's errors on the Server page, in the built renderer in Chromium over the real handler table.

test.use({ launch: { prefix: 'flowkeys-renderer-startup-' } })

/** Answers app:startup with `value` until the returned function lets it answer "ready" again. */
function startupAnswers(app: App, value: StartupState): () => void {
  app.startupOverride = value
  return () => {
    app.startupOverride = null
  }
}

test.describe('the start-up screen', () => {
  test('says it waits for the keychain, then shows the app by itself once the core is open', async ({
    app
  }) => {
    const restore = startupAnswers(app, { phase: 'keychain', message: null })
    try {
      await app.page.reload()
      const screen = app.page.getByTestId('startup')
      await expect.poll(() => screen.getByRole('heading').textContent()).toBe('Waiting for the keychain')
      expect(await app.page.getByRole('navigation').count()).toBe(0)
    } finally {
      restore()
    }
    await app.page.getByRole('navigation').waitFor()
    expect(await app.page.getByTestId('startup').count()).toBe(0)
  })

  test('says why the start failed', async ({ app }) => {
    const message = 'No vault key: FLOWKEYS_SECRET_KEY is not set and the OS keychain cannot be used.'
    const restore = startupAnswers(app, { phase: 'failed', message })
    try {
      await app.page.reload()
      const screen = app.page.getByTestId('startup')
      await expect.poll(() => screen.getByRole('heading').textContent()).toBe('FlowKeys could not start')
      expect(await screen.textContent()).toContain(message)
    } finally {
      restore()
    }
    await app.page.reload()
    await app.page.getByRole('navigation').waitFor()
  })
})

test.describe('the Server page', () => {
  test("lists the key server's errors: a 500 shows up there", async ({ app, nav }) => {
    const url = app.server.status().url as string
    writeFileSync(join(app.core.dataDir, 'flowkeys.json'), '{"broken":')
    const res = await send(`${url}/api/v1/users/whoami`, { headers: { 'x-api-key': `sk-${'x'.repeat(43)}` } })
    expect(res.status).toBe(500)
    await nav('Key server')
    const errors = app.page.getByRole('table', { name: 'Key server errors' })
    await expect.poll(() => errors.textContent()).toContain('GET /api/v1/users/whoami')
    expect(await errors.textContent()).toContain('flowkeys.json')
  })
})
