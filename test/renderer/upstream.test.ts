/// <reference lib="dom" />
// End-to-end: the Key server page's "Upstream Langflow" section (set through its dialog, shown masked with a
// probe, cleared after a confirmation) and the create-key dialog's "Limit to flows", in the built renderer at
// 800×600 over the real handler table and core (./harness.ts), with the stand-in Langflow as the upstream.
import type { Locator, Page } from '@playwright/test'
import { maskApiKey } from '../../src/main/keys/generate'
import { startStandinLangflow, type StandinLangflow } from '../fixtures/langflow-upstream/standin'
import { tempDir } from '../helpers/tmp'
import { launchApp } from './harness'
import { expect, navigate, sent, test, type App } from './app-fixtures'

test.use({ launch: { prefix: 'flowkeys-upstream-' } })
// The tests go on from where the one before left the app: after a failure, the rest do not run.
test.describe.configure({ mode: 'serial' })

let standin: StandinLangflow

test.beforeAll(async ({ app }) => {
  standin = await startStandinLangflow()
  // The smallest window the app supports: every button must still be reachable.
  await app.page.setViewportSize({ width: 800, height: 600 })
})

test.afterAll(async () => {
  await standin?.close()
})

const section = (page: Page): Locator => page.getByRole('region', { name: 'Upstream Langflow' })
const dialog = (page: Page, name: string | RegExp): Locator => page.getByRole('dialog', { name })
const results = (app: App): string => JSON.stringify(app.exchanges.map((e) => e.result))

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

test.describe('the upstream Langflow on the Key server page', () => {
  test('says when none is set, and offers to set one', async ({ app, nav }) => {
    await nav('Key server')
    await section(app.page).getByTestId('upstream-none').waitFor()
    expect(await section(app.page).getByRole('button', { name: 'Clear' }).count()).toBe(0)
    expect(await reachable(section(app.page).getByRole('button', { name: 'Set upstream…' }))).toBe(true)
    expect(await fitsWidth(section(app.page))).toBe(true)
  })

  test('refuses a URL the core does not take inside the dialog, in one line, and stores nothing', async ({
    app
  }) => {
    await section(app.page).getByRole('button', { name: 'Set upstream…' }).click()
    const set = dialog(app.page, 'Set the upstream Langflow')
    await set.waitFor()
    expect(await set.getByLabel('URL').evaluate((el) => el === document.activeElement)).toBe(true)
    // The key is a password field, with no way to reveal it.
    expect(await set.getByLabel('API key').getAttribute('type')).toBe('password')
    expect(await set.getByRole('button', { name: /show|reveal/i }).count()).toBe(0)

    // Checked before anything is sent.
    await set.getByLabel('URL').fill(standin.url)
    await set.getByRole('button', { name: 'Save upstream' }).click()
    await set.getByRole('alert').getByText("Give the upstream Langflow's API key").waitFor()
    expect(sent(app, 'upstream:set')).toEqual([])

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

  test('sets the upstream through the dialog, then shows it masked with its status', async ({ app }) => {
    const { page } = app
    await section(page).getByRole('button', { name: 'Set upstream…' }).click()
    const set = dialog(page, 'Set the upstream Langflow')
    // The dialog opens empty: the key typed before is gone with the dialog that held it.
    expect(await set.getByLabel('API key').inputValue()).toBe('')
    await set.getByLabel('URL').fill(standin.url)
    await set.getByLabel('API key').fill(standin.apiKey)
    await set.getByRole('button', { name: 'Save upstream' }).click()
    await page.getByText(`Upstream set: ${standin.url}.`).waitFor()
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)

    expect(await section(page).getByTestId('upstream-url').textContent()).toBe(standin.url)
    expect(await section(page).getByTestId('upstream-key').textContent()).toBe(maskApiKey(standin.apiKey))
    expect(await section(page).getByTestId('upstream-source').textContent()).toContain('Set in FlowKeys')
    expect(await section(page).getByTestId('upstream-status').textContent()).toBe(
      'Answers, Langflow 1.12.0 · key accepted'
    )
    expect(await section(page).getByTestId('upstream-credentials').textContent()).toBe(
      "all of the caller's variables, as request variables"
    )
    expect(await section(page).getByTestId('upstream-problem').count()).toBe(0)
    expect(app.core.upstream.current()).toMatchObject({ url: standin.url, apiKey: standin.apiKey })
    expect(sent(app, 'upstream:set').at(-1)).toEqual({ url: standin.url, api_key: standin.apiKey })

    // Readable at 800×600, both buttons reachable; the key went to main once and never came back.
    expect(await fitsWidth(section(page))).toBe(true)
    expect(await reachable(section(page).getByRole('button', { name: 'Clear' }))).toBe(true)
    expect(await reachable(section(page).getByRole('button', { name: 'Set upstream…' }))).toBe(true)
    expect(results(app)).not.toContain(standin.apiKey)
    expect(await page.content()).not.toContain(standin.apiKey)
  })

  test('shows the problem line when the upstream refuses the key', async ({ app }) => {
    await section(app.page).getByRole('button', { name: 'Set upstream…' }).click()
    const set = dialog(app.page, 'Set the upstream Langflow')
    // The URL is offered again; the key never is.
    expect(await set.getByLabel('URL').inputValue()).toBe(standin.url)
    expect(await set.getByLabel('API key').inputValue()).toBe('')
    await set.getByLabel('API key').fill('sk-not-the-upstream-key-0123456789abcdef')
    await set.getByRole('button', { name: 'Save upstream' }).click()
    await expect.poll(() => app.page.getByRole('dialog').count()).toBe(0)
    const problem = section(app.page).getByTestId('upstream-problem')
    await problem.waitFor()
    expect(await problem.textContent()).toBe(
      `The Langflow upstream at ${standin.url} refuses FlowKeys' API key for it (403)`
    )
    expect(await section(app.page).getByTestId('upstream-key').textContent()).toBe(
      maskApiKey('sk-not-the-upstream-key-0123456789abcdef')
    )
    expect(await fitsWidth(section(app.page))).toBe(true)
    expect(results(app)).not.toContain('sk-not-the-upstream-key')
  })

  test('sends only the variables each flow names when asked, and offers that choice again', async ({
    app
  }) => {
    const { page } = app
    await section(page).getByRole('button', { name: 'Set upstream…' }).click()
    const set = dialog(page, 'Set the upstream Langflow')
    const namedOnly = set.getByLabel('Send only the variables each flow names')
    expect(await namedOnly.isChecked()).toBe(false)
    await set.getByLabel('API key').fill(standin.apiKey)
    await namedOnly.check()
    expect(await reachable(set.getByRole('button', { name: 'Save upstream' }))).toBe(true)
    await set.getByRole('button', { name: 'Save upstream' }).click()
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)

    await expect
      .poll(() => section(page).getByTestId('upstream-credentials').textContent())
      .toBe('the variables the flow names (read first), as request variables')
    expect(sent(app, 'upstream:set').at(-1)).toEqual({
      url: standin.url,
      api_key: standin.apiKey,
      variables: 'named'
    })
    expect(app.core.upstream.current()).toMatchObject({ variables: 'named' })

    // Opened again, the dialog keeps the choice; closing it changes nothing.
    const sets = sent(app, 'upstream:set').length
    await section(page).getByRole('button', { name: 'Set upstream…' }).click()
    expect(
      await dialog(page, 'Set the upstream Langflow')
        .getByLabel('Send only the variables each flow names')
        .isChecked()
    ).toBe(true)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)
    expect(sent(app, 'upstream:set')).toHaveLength(sets)
  })

  test('clears the upstream after a confirmation', async ({ app }) => {
    const { page } = app
    await section(page).getByRole('button', { name: 'Clear' }).click()
    const confirm = page.getByRole('alertdialog', { name: 'Clear the upstream?' })
    await confirm.waitFor()
    // Cancel first: nothing happens.
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    expect(app.core.upstream.current()).not.toBeNull()
    expect(sent(app, 'upstream:clear')).toEqual([])

    await section(page).getByRole('button', { name: 'Clear' }).click()
    await expect(reachable(confirm.getByRole('button', { name: 'Clear upstream' }))).resolves.toBe(true)
    await confirm.getByRole('button', { name: 'Clear upstream' }).click()
    await page.getByText('Upstream cleared.').waitFor()
    await section(page).getByTestId('upstream-none').waitFor()
    expect(app.core.upstream.current()).toBeNull()
    expect(sent(app, 'upstream:clear')).toHaveLength(1)
  })
})

test.describe('a key limited to flows', () => {
  test('sends the trimmed list and shows the limit in the keys table', async ({ app, nav }) => {
    const { page } = app
    await nav('API keys')
    await page.getByRole('button', { name: 'Create key' }).first().click()
    const create = dialog(page, 'Create an API key')
    await create.getByLabel('Name', { exact: true }).fill('two flows only')
    await create.getByLabel('Limit to flows').fill(' support-bot , ,summarize, ')
    await create.getByRole('button', { name: 'Create key' }).click()
    const reveal = dialog(page, 'Your new API key')
    await reveal.getByTestId('new-key-flows').waitFor()
    expect(await reveal.getByTestId('new-key-flows').textContent()).toBe('Runs only: support-bot, summarize')
    await reveal.getByRole('button', { name: 'Done' }).click()
    // Not copied: the dialog asks before the key is gone.
    await reveal.getByRole('button', { name: 'Close anyway' }).click()
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)

    expect(sent(app, 'keys:create')).toEqual([
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

  test('sends no limit when the field is left empty, and lists no note', async ({ app }) => {
    const { page } = app
    await page.getByRole('button', { name: 'Create key' }).first().click()
    const create = dialog(page, 'Create an API key')
    await create.getByLabel('Name', { exact: true }).fill('any flow')
    await create.getByLabel('Limit to flows').fill(' , ')
    await create.getByRole('button', { name: 'Create key' }).click()
    const reveal = dialog(page, 'Your new API key')
    await reveal.getByTestId('new-api-key').waitFor()
    expect(await reveal.getByTestId('new-key-flows').count()).toBe(0)
    await reveal.getByRole('button', { name: 'Done' }).click()
    // Not copied: the dialog asks before the key is gone.
    await reveal.getByRole('button', { name: 'Close anyway' }).click()
    expect(sent(app, 'keys:create').at(-1)).toEqual({
      name: 'any flow',
      expiresInDays: null,
      allowed_flows: null
    })
    const row = page.getByRole('row').filter({ hasText: 'any flow' })
    await row.waitFor()
    expect(await row.getByTestId('key-flows').count()).toBe(0)
  })
})

test.describe('an upstream FLOWKEYS_UPSTREAM_URL decides', () => {
  let envApp: App | undefined
  const ENV_KEY = 'sk-from-the-environment-0123456789abcdef'

  test.afterAll(async () => {
    await envApp?.close()
  })

  test('is shown as coming from the environment, with no Set or Clear', async () => {
    envApp = await launchApp(tempDir('flowkeys-upstream-env-'), {
      env: { FLOWKEYS_UPSTREAM_URL: standin.url, FLOWKEYS_UPSTREAM_API_KEY: ENV_KEY }
    })
    const { page } = envApp
    await page.setViewportSize({ width: 800, height: 600 })
    await navigate(page, 'Key server')
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
