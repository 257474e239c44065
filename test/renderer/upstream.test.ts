/// <reference lib="dom" />
// End-to-end: the Key server page's "Upstream Langflow" section (set through its dialog, shown masked with a
// probe, cleared after a confirmation) and the create-key dialog's "Limit to flows", in the built renderer at
// 800×600 over the real handler table and core (./harness.ts), with the stand-in Langflow as the upstream.
import type { Locator } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { maskApiKey } from '../../src/main/keys/generate'
import { startStandinLangflow, type StandinLangflow } from '../fixtures/langflow-upstream/standin'
import { tempDir } from '../helpers/tmp'
import { launchApp, type App } from './harness'

let app: App
let standin: StandinLangflow

beforeAll(async () => {
  standin = await startStandinLangflow()
  app = await launchApp(tempDir('flowkeys-upstream-'))
  // The smallest window the app supports: every button must still be reachable.
  await app.page.setViewportSize({ width: 800, height: 600 })
})

afterAll(async () => {
  await app?.close()
  await standin?.close()
})

// A step that failed with a dialog open must not block the next test's clicks.
afterEach(async () => {
  for (let i = 0; i < 3 && (await app.page.locator('dialog[open]').count()) > 0; i++) {
    await app.page.keyboard.press('Escape')
  }
})

const nav = (name: string): Promise<void> =>
  app.page.getByRole('navigation').getByRole('button', { name }).click()
const section = (): Locator => app.page.getByRole('region', { name: 'Upstream Langflow' })
const dialog = (name: string | RegExp): Locator => app.page.getByRole('dialog', { name })
const sent = (channel: string): unknown[] =>
  app.exchanges.filter((e) => e.channel === channel).map((e) => e.payload)
const results = (): string => JSON.stringify(app.exchanges.map((e) => e.result))

/** The element and the page fit the window's width: nothing cut off, nothing scrolled sideways. */
async function fitsWidth(locator: Locator): Promise<boolean> {
  return locator.evaluate(
    (el) =>
      el.getBoundingClientRect().left >= 0 &&
      el.getBoundingClientRect().right <= window.innerWidth &&
      el.scrollWidth <= el.clientWidth &&
      document.documentElement.scrollWidth <= window.innerWidth
  )
}

/** The button can be scrolled to and is then inside the 800×600 window. */
async function reachable(button: Locator): Promise<boolean> {
  await button.scrollIntoViewIfNeeded()
  const box = await button.boundingBox()
  return box !== null && box.x >= 0 && box.x + box.width <= 800 && box.y >= 0 && box.y + box.height <= 600
}

describe('the upstream Langflow on the Key server page', () => {
  it('says when none is set, and offers to set one', async () => {
    await nav('Key server')
    await section().getByTestId('upstream-none').waitFor()
    expect(await section().getByRole('button', { name: 'Clear' }).count()).toBe(0)
    expect(await reachable(section().getByRole('button', { name: 'Set upstream…' }))).toBe(true)
    expect(await fitsWidth(section())).toBe(true)
  })

  it('refuses a URL the core does not take inside the dialog, in one line, and stores nothing', async () => {
    await section().getByRole('button', { name: 'Set upstream…' }).click()
    const set = dialog('Set the upstream Langflow')
    await set.waitFor()
    expect(await set.getByLabel('URL').evaluate((el) => el === document.activeElement)).toBe(true)
    // The key is a password field, with no way to reveal it.
    expect(await set.getByLabel('API key').getAttribute('type')).toBe('password')
    expect(await set.getByRole('button', { name: /show|reveal/i }).count()).toBe(0)

    // Checked before anything is sent.
    await set.getByLabel('URL').fill(standin.url)
    await set.getByRole('button', { name: 'Save upstream' }).click()
    await set.getByRole('alert').getByText("Give the upstream Langflow's API key").waitFor()
    expect(sent('upstream:set')).toEqual([])

    await set.getByLabel('URL').fill('ftp://x')
    await set.getByLabel('API key').fill(standin.apiKey)
    await set.getByRole('button', { name: 'Save upstream' }).click()
    const alert = set.getByRole('alert')
    await alert.getByText('The upstream URL must start with http:// or https:// (got ftp:)').waitFor()
    expect((await alert.textContent())?.includes('\n')).toBe(false)
    expect(await set.isVisible()).toBe(true)
    expect(app.core.upstream.current()).toBeNull()

    // Plain http beyond this computer is refused too, unless allowed.
    await set.getByLabel('URL').fill('http://langflow.example:7860')
    await set.getByRole('button', { name: 'Save upstream' }).click()
    await alert.getByText(/^Plain http to langflow\.example:7860/).waitFor()
    expect(app.core.upstream.current()).toBeNull()
    expect(await reachable(set.getByRole('button', { name: 'Save upstream' }))).toBe(true)
    await set.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => app.page.getByRole('dialog').count()).toBe(0)
  })

  it('sets the upstream through the dialog, then shows it masked with its status', async () => {
    const { page } = app
    await section().getByRole('button', { name: 'Set upstream…' }).click()
    const set = dialog('Set the upstream Langflow')
    // The dialog opens empty: the key typed before is gone with the dialog that held it.
    expect(await set.getByLabel('API key').inputValue()).toBe('')
    await set.getByLabel('URL').fill(standin.url)
    await set.getByLabel('API key').fill(standin.apiKey)
    await set.getByRole('button', { name: 'Save upstream' }).click()
    await page.getByText(`Upstream set: ${standin.url}.`).waitFor()
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)

    expect(await section().getByTestId('upstream-url').textContent()).toBe(standin.url)
    expect(await section().getByTestId('upstream-key').textContent()).toBe(maskApiKey(standin.apiKey))
    expect(await section().getByTestId('upstream-source').textContent()).toContain('Set in FlowKeys')
    expect(await section().getByTestId('upstream-status').textContent()).toBe(
      'Answers, Langflow 1.12.0 · key accepted'
    )
    expect(await section().getByTestId('upstream-problem').count()).toBe(0)
    expect(app.core.upstream.current()).toMatchObject({ url: standin.url, apiKey: standin.apiKey })
    expect(sent('upstream:set').at(-1)).toEqual({ url: standin.url, api_key: standin.apiKey })

    // Readable at 800×600, both buttons reachable; the key went to main once and never came back.
    expect(await fitsWidth(section())).toBe(true)
    expect(await reachable(section().getByRole('button', { name: 'Clear' }))).toBe(true)
    expect(await reachable(section().getByRole('button', { name: 'Set upstream…' }))).toBe(true)
    expect(results()).not.toContain(standin.apiKey)
    expect(await page.content()).not.toContain(standin.apiKey)
  })

  it('shows the problem line when the upstream refuses the key', async () => {
    await section().getByRole('button', { name: 'Set upstream…' }).click()
    const set = dialog('Set the upstream Langflow')
    // The URL is offered again; the key never is.
    expect(await set.getByLabel('URL').inputValue()).toBe(standin.url)
    expect(await set.getByLabel('API key').inputValue()).toBe('')
    await set.getByLabel('API key').fill('sk-not-the-upstream-key-0123456789abcdef')
    await set.getByRole('button', { name: 'Save upstream' }).click()
    await expect.poll(() => app.page.getByRole('dialog').count()).toBe(0)
    const problem = section().getByTestId('upstream-problem')
    await problem.waitFor()
    expect(await problem.textContent()).toBe(
      `The Langflow upstream at ${standin.url} refuses FlowKeys' API key for it (403)`
    )
    expect(await section().getByTestId('upstream-key').textContent()).toBe(
      maskApiKey('sk-not-the-upstream-key-0123456789abcdef')
    )
    expect(await fitsWidth(section())).toBe(true)
    expect(results()).not.toContain('sk-not-the-upstream-key')
  })

  it('clears the upstream after a confirmation', async () => {
    const { page } = app
    await section().getByRole('button', { name: 'Clear' }).click()
    const confirm = page.getByRole('alertdialog', { name: 'Clear the upstream?' })
    await confirm.waitFor()
    // Cancel first: nothing happens.
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    expect(app.core.upstream.current()).not.toBeNull()
    expect(sent('upstream:clear')).toEqual([])

    await section().getByRole('button', { name: 'Clear' }).click()
    await expect(reachable(confirm.getByRole('button', { name: 'Clear upstream' }))).resolves.toBe(true)
    await confirm.getByRole('button', { name: 'Clear upstream' }).click()
    await page.getByText('Upstream cleared.').waitFor()
    await section().getByTestId('upstream-none').waitFor()
    expect(app.core.upstream.current()).toBeNull()
    expect(sent('upstream:clear')).toHaveLength(1)
  })
})

describe('a key limited to flows', () => {
  it('sends the trimmed list and shows the limit in the keys table', async () => {
    const { page } = app
    await nav('API keys')
    await page.getByRole('button', { name: 'Create key' }).first().click()
    const create = dialog('Create an API key')
    await create.getByLabel('Name', { exact: true }).fill('two flows only')
    await create.getByLabel('Limit to flows').fill(' support-bot , ,summarize, ')
    await create.getByRole('button', { name: 'Create key' }).click()
    const reveal = dialog('Your new API key')
    await reveal.getByTestId('new-key-flows').waitFor()
    expect(await reveal.getByTestId('new-key-flows').textContent()).toBe('Runs only: support-bot, summarize')
    await reveal.getByRole('button', { name: 'Done' }).click()
    // Not copied: the dialog asks before the key is gone.
    await reveal.getByRole('button', { name: 'Close anyway' }).click()
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)

    expect(sent('keys:create')).toEqual([
      { name: 'two flows only', expiresInDays: null, allowed_flows: ['support-bot', 'summarize'] }
    ])
    const row = page.getByRole('row').filter({ hasText: 'two flows only' })
    const note = row.getByTestId('key-flows')
    await note.waitFor()
    expect(await note.textContent()).toBe('Runs: support-bot, summarize')
    const box = await note.boundingBox()
    expect(box).not.toBeNull()
    expect(box!.x + box!.width).toBeLessThanOrEqual(800)
    const { api_keys } = await app.core.keys.list(app.core.desktopActor())
    expect(api_keys.find((k) => k.name === 'two flows only')?.allowed_flows).toEqual([
      'support-bot',
      'summarize'
    ])
  })

  it('sends no limit when the field is left empty, and lists no note', async () => {
    const { page } = app
    await page.getByRole('button', { name: 'Create key' }).first().click()
    const create = dialog('Create an API key')
    await create.getByLabel('Name', { exact: true }).fill('any flow')
    await create.getByLabel('Limit to flows').fill(' , ')
    await create.getByRole('button', { name: 'Create key' }).click()
    const reveal = dialog('Your new API key')
    await reveal.getByTestId('new-api-key').waitFor()
    expect(await reveal.getByTestId('new-key-flows').count()).toBe(0)
    await reveal.getByRole('button', { name: 'Done' }).click()
    // Not copied: the dialog asks before the key is gone.
    await reveal.getByRole('button', { name: 'Close anyway' }).click()
    expect(sent('keys:create').at(-1)).toEqual({ name: 'any flow', expiresInDays: null, allowed_flows: null })
    const row = page.getByRole('row').filter({ hasText: 'any flow' })
    await row.waitFor()
    expect(await row.getByTestId('key-flows').count()).toBe(0)
  })
})

describe('an upstream FLOWKEYS_UPSTREAM_URL decides', () => {
  let envApp: App | undefined
  const ENV_KEY = 'sk-from-the-environment-0123456789abcdef'

  afterAll(async () => {
    await envApp?.close()
  })

  it('is shown as coming from the environment, with no Set or Clear', async () => {
    envApp = await launchApp(tempDir('flowkeys-upstream-env-'), {
      env: { FLOWKEYS_UPSTREAM_URL: standin.url, FLOWKEYS_UPSTREAM_API_KEY: ENV_KEY }
    })
    const { page } = envApp
    await page.setViewportSize({ width: 800, height: 600 })
    await page.getByRole('navigation').getByRole('button', { name: 'Key server' }).click()
    const upstream = page.getByRole('region', { name: 'Upstream Langflow' })
    await upstream.getByTestId('upstream-url').waitFor()
    expect(await upstream.getByTestId('upstream-url').textContent()).toBe(standin.url)
    expect(await upstream.getByTestId('upstream-key').textContent()).toBe(maskApiKey(ENV_KEY))
    expect(await upstream.getByTestId('upstream-source').textContent()).toBe(
      'FLOWKEYS_UPSTREAM_URL in the environment: change it there, not here.'
    )
    expect(await upstream.getByRole('button', { name: 'Set upstream…' }).count()).toBe(0)
    expect(await upstream.getByRole('button', { name: 'Clear' }).count()).toBe(0)
    expect(await fitsWidth(upstream)).toBe(true)
    expect(JSON.stringify(envApp.exchanges.map((e) => e.result))).not.toContain(ENV_KEY)
  })
})
