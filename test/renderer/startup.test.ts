import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp'
import { send } from '../server/http'
import type { StartupState } from '../../src/shared/ipc'
import { launchApp, type App } from './harness'

// What the window shows before the core is open (issue "The app's main process": waiting for the keychain) and
// the key server's errors on the Server page, in the built renderer in Chromium over the real handler table.

let app: App
let dataDir: string

beforeAll(async () => {
  dataDir = tempDir('flowkeys-renderer-startup-')
  app = await launchApp(dataDir)
})

afterAll(async () => {
  await app?.close()
})

/** Answers app:startup with `value` until the returned function lets it answer "ready" again. */
function startupAnswers(value: StartupState): () => void {
  app.startupOverride = value
  return () => {
    app.startupOverride = null
  }
}

describe('the start-up screen', () => {
  it('says it waits for the keychain, then shows the app by itself once the core is open', async () => {
    const restore = startupAnswers({ phase: 'keychain', message: null })
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

  it('says why the start failed', async () => {
    const message = 'No vault key: FLOWKEYS_SECRET_KEY is not set and the OS keychain cannot be used.'
    const restore = startupAnswers({ phase: 'failed', message })
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

describe('the Server page', () => {
  it("lists the key server's errors: a 500 shows up there", async () => {
    const url = app.server.status().url as string
    writeFileSync(join(dataDir, 'flowkeys.json'), '{"broken":')
    const res = await send(`${url}/api/v1/users/whoami`, { headers: { 'x-api-key': `sk-${'x'.repeat(43)}` } })
    expect(res.status).toBe(500)
    await app.page.getByRole('navigation').getByRole('button', { name: 'Key server' }).click()
    const errors = app.page.getByRole('table', { name: 'Key server errors' })
    await expect.poll(() => errors.textContent()).toContain('GET /api/v1/users/whoami')
    expect(await errors.textContent()).toContain('flowkeys.json')
  })
})
