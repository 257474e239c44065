/// <reference lib="dom" />
// End-to-end, the Keys page as a daily tool (issue 22), in the built renderer over the real handler table and core
// (./harness.ts): the once-shown key is hard to lose, the clipboard delay is a setting, the table fits 800×600,
// keys can be renamed, toasts show above dialogs, and the Key server page speaks the app's language.
import { createServer, type Server } from 'node:net'
import type { Locator, Page } from '@playwright/test'
import { expect, sent, test } from './app-fixtures'

test.use({ launch: { prefix: 'flowkeys-keys-daily-' } })
// The tests go on from where the one before left the app: after a failure, the rest do not run.
test.describe.configure({ mode: 'serial' })

const dialog = (page: Page, name: string | RegExp): Locator => page.getByRole('dialog', { name })
const focusedTestId = (page: Page): Promise<string | null> =>
  page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null)

async function createKey(page: Page, name: string): Promise<Locator> {
  await page.getByRole('button', { name: 'Create key' }).first().click()
  const create = dialog(page, 'Create an API key')
  await create.getByLabel('Name', { exact: true }).fill(name)
  await create.getByRole('button', { name: 'Create key' }).click()
  const reveal = dialog(page, 'Your new API key')
  await reveal.getByTestId('new-api-key').waitFor()
  return reveal
}

test.describe('the new-key reveal', () => {
  test('puts the focus on the key field, selected, as the dialog opens', async ({ app }) => {
    const reveal = await createKey(app.page, 'focus check')
    await expect.poll(() => focusedTestId(app.page)).toBe('new-api-key')
    const field = reveal.getByTestId('new-api-key')
    expect(await field.getAttribute('readonly')).not.toBeNull()
    const value = await field.inputValue()
    expect(value).toMatch(/^sk-[A-Za-z0-9_-]{43}$/)
    expect(
      await field.evaluate((el: HTMLInputElement) =>
        el.value.slice(el.selectionStart ?? 0, el.selectionEnd ?? 0)
      )
    ).toBe(value)
    await reveal.getByRole('button', { name: 'Copy the API key' }).click()
    await reveal.getByRole('button', { name: 'Done' }).click()
    await expect.poll(() => app.page.locator('dialog[open]').count()).toBe(0)
  })

  test('asks before Done, Escape or × close a key that was never copied; Go back keeps it', async ({
    app
  }) => {
    const { page } = app
    const reveal = await createKey(page, 'never copied')
    const value = await reveal.getByTestId('new-api-key').inputValue()
    const question = reveal.getByTestId('confirm-close')

    await reveal.getByRole('button', { name: 'Done' }).click()
    await question.waitFor()
    expect(await question.textContent()).toContain(
      'You have not copied this key. It will not be shown again. Close anyway?'
    )
    // The safe choice has the focus.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Go back')
    await reveal.getByRole('button', { name: 'Go back' }).click()
    await question.waitFor({ state: 'detached' })

    // Escape, twice in a row (Chromium lets a second Escape close a modal without asking): still asks.
    await page.keyboard.press('Escape')
    await question.waitFor()
    await page.keyboard.press('Escape')
    await page.waitForTimeout(200)
    expect(await reveal.isVisible()).toBe(true)
    expect(await reveal.getByTestId('new-api-key').inputValue()).toBe(value)
    await reveal.getByRole('button', { name: 'Go back' }).click()

    await reveal.getByRole('button', { name: 'Close' }).click()
    await question.waitFor()
    await reveal.getByRole('button', { name: 'Close anyway' }).click()
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0)
    expect(await page.content()).not.toContain(value.slice(8))
  })

  test('closes at once with Escape once the key was copied', async ({ app }) => {
    const reveal = await createKey(app.page, 'copied first')
    await reveal.getByRole('button', { name: 'Copy the API key' }).click()
    await expect.poll(() => app.clipboard.text).toBe(await reveal.getByTestId('new-api-key').inputValue())
    await app.page.keyboard.press('Escape')
    await expect.poll(() => app.page.locator('dialog[open]').count()).toBe(0)
  })

  test('shows the clipboard delay next to Copy and keeps a new choice in the preferences', async ({
    app
  }) => {
    const { page } = app
    const reveal = await createKey(page, 'slow paste')
    const delay = reveal.getByLabel('Clipboard clears in')
    expect(await delay.inputValue()).toBe('30')
    expect(await delay.locator('option').allTextContents()).toEqual(['30 s', '2 min', '10 min', 'never'])
    await delay.selectOption({ label: '2 min' })
    await expect.poll(async () => (await app.table['app:settings'](undefined)).ok).toBe(true)
    await expect
      .poll(async () => {
        const settings = await app.table['app:settings'](undefined)
        return settings.ok ? settings.value.clipboardClearSeconds : null
      })
      .toBe(120)
    await reveal.getByRole('button', { name: 'Copy the API key' }).click()
    await page.getByText('The clipboard is cleared in 2 min').waitFor()
    const copied = app.exchanges.filter((e) => e.channel === 'clipboard:copy').at(-1)
    expect(copied?.result).toEqual({ ok: true, value: { clearsInSeconds: 120 } })
    await delay.selectOption({ label: 'never' })
    await expect.poll(() => reveal.getByLabel('Clipboard clears', { exact: true }).isVisible()).toBe(true)
    await reveal.getByLabel('Clipboard clears', { exact: true }).selectOption({ label: '30 s' })
    await expect.poll(() => delay.inputValue()).toBe('30')
    expect(sent(app, 'app:updateSettings').slice(-3)).toEqual([
      { clipboardClearSeconds: 120 },
      { clipboardClearSeconds: 0 },
      { clipboardClearSeconds: 30 }
    ])
    await reveal.getByRole('button', { name: 'Done' }).click()
  })
})

test.describe('toasts', () => {
  test('show above an open dialog, away from the header button', async ({ app }) => {
    const { page } = app
    const reveal = await createKey(page, 'toast check')
    await reveal.getByRole('button', { name: 'Copy the API key' }).click()
    const toast = page.locator('.toast').filter({ hasText: 'The clipboard is cleared' }).last()
    await toast.waitFor()
    const box = (await toast.boundingBox())!
    const hit = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x!, y!)?.closest('.toast') !== null,
      [box.x + box.width / 2, box.y + box.height / 2]
    )
    expect(hit).toBe(true)
    const header = (await page
      .locator('.page__actions')
      .getByRole('button', { name: 'Create key' })
      .boundingBox())!
    const overlaps =
      box.x < header.x + header.width &&
      header.x < box.x + box.width &&
      box.y < header.y + header.height &&
      header.y < box.y + box.height
    expect(overlaps).toBe(false)
    // And it can be dismissed while the dialog is open.
    await toast.getByRole('button', { name: 'Dismiss' }).click()
    await toast.waitFor({ state: 'detached' })
    await reveal.getByRole('button', { name: 'Done' }).click()
  })
})

test.describe('the keys table', () => {
  test('shows the date and time a key was created, the full date-time in a tooltip', async ({ app }) => {
    const { page } = app
    const row = page.getByRole('row').filter({ hasText: 'focus check' })
    const created = row.getByTestId('key-created')
    const text = (await created.textContent()) ?? ''
    expect(text).toMatch(/\d{1,2}:\d{2}/)
    expect(await created.getAttribute('title')).toMatch(/\d{4}.*\d{1,2}:\d{2}/)
  })

  test('renames a key from its row; the core has the new name and the key still works', async ({
    app,
    nav
  }) => {
    const { page } = app
    const { api_key } = await app.core.keys.create(app.core.desktopActor(), { name: 'to rename' })
    await page.getByRole('button', { name: 'Refresh' }).count() // no-op: the list loads on navigation
    await nav('Global variables')
    await nav('API keys')
    const row = page.getByRole('row').filter({ hasText: 'to rename' })
    await row.getByRole('button', { name: 'Rename to rename' }).click()
    const rename = dialog(page, 'Rename to rename')
    const field = rename.getByLabel('Name', { exact: true })
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await rename.getByRole('button', { name: 'Rename' }).isDisabled()).toBe(true)
    await field.fill('   ')
    await rename.getByRole('button', { name: 'Rename' }).click()
    await rename.getByText('Give the key a name').waitFor()
    await field.fill('renamed key')
    await rename.getByRole('button', { name: 'Rename' }).click()
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0)
    await page.getByRole('row').filter({ hasText: 'renamed key' }).waitFor()
    expect(sent(app, 'keys:rename').at(-1)).toMatchObject({ name: 'renamed key' })
    expect((await app.core.keys.verify(api_key))?.key.name).toBe('renamed key')
  })

  test('at 800×600 keeps every control in view without a sideways scroll, each reachable by Tab', async ({
    app
  }) => {
    const { page } = app
    await page.setViewportSize({ width: 800, height: 600 })
    try {
      await expect.poll(() => page.evaluate(() => innerWidth)).toBe(800)
      // One key selected, so Revoke is enabled (and must be reachable too).
      await page.getByRole('checkbox', { name: 'Select focus check' }).check()
      const controls = page.locator(
        'main button:visible, main input:visible, main select:visible, main [tabindex="0"]:visible'
      )
      const count = await controls.count()
      // Create key, filter, status, sort, revoke, select all, 6 sorts, and per row a checkbox and Rename.
      expect(count).toBeGreaterThan(12)
      const ids = await controls.evaluateAll((elements) =>
        elements.map((el, i) => {
          el.setAttribute('data-reach', String(i))
          const box = el.getBoundingClientRect()
          return {
            i,
            right: box.right,
            left: box.left,
            label: el.getAttribute('aria-label') ?? el.textContent
          }
        })
      )
      for (const { right, left, label } of ids) {
        expect(left, label ?? '').toBeGreaterThanOrEqual(0)
        expect(right, label ?? '').toBeLessThanOrEqual(800)
      }
      // Nothing on the page scrolls sideways.
      expect(
        await page.evaluate(() =>
          Array.from(document.querySelectorAll('main, main *'))
            .filter((el) => {
              const overflow = getComputedStyle(el).overflowX
              return (overflow === 'auto' || overflow === 'scroll') && el.scrollWidth > el.clientWidth + 1
            })
            .map((el) => `${el.tagName}.${el.className} ${el.scrollWidth}>${el.clientWidth}`)
        )
      ).toEqual([])
      // Tab from the top of the page reaches each of them.
      await page.locator('main h1').evaluate((el) => {
        el.setAttribute('tabindex', '-1')
        ;(el as HTMLElement).focus()
      })
      const reached = new Set<string>()
      for (let i = 0; i < count * 2 + 20 && reached.size < count; i++) {
        await page.keyboard.press('Tab')
        const at = await page.evaluate(() => document.activeElement?.getAttribute('data-reach') ?? null)
        if (at !== null) reached.add(at)
      }
      const missed = ids.filter((c) => !reached.has(String(c.i))).map((c) => c.label)
      expect(missed).toEqual([])
    } finally {
      await page.getByRole('checkbox', { name: 'Select focus check' }).uncheck()
      await page.setViewportSize({ width: 1280, height: 800 })
    }
  })
})

test.describe('the key server page', () => {
  let blocker: Server | undefined
  test.afterAll(async () => {
    await new Promise((done) => (blocker ? blocker.close(done) : done(undefined)))
  })

  test("gives a curl line in Langflow's words that breaks only between arguments", async ({ app, nav }) => {
    const { page } = app
    await nav('Key server')
    await expect.poll(() => page.getByTestId('server-state').textContent()).toBe('Running')
    const url = (await page.getByTestId('server-url').textContent()) ?? ''
    const example = page.getByTestId('curl-example')
    expect(await example.textContent()).toBe(
      `curl \\\n  -H "x-api-key: $LANGFLOW_API_KEY" \\\n  ${url}/api/v1/users/whoami`
    )
    expect(await page.getByText('FLOWKEYS_API_KEY').count()).toBe(0)
    // Rendered as written: three lines at 800 px, none broken inside the URL.
    await page.setViewportSize({ width: 800, height: 600 })
    try {
      const lines = await example.evaluate((el) => {
        const lineHeight = parseFloat(getComputedStyle(el).lineHeight)
        const code = el.querySelector('code')!
        return Math.round(code.getBoundingClientRect().height / lineHeight)
      })
      expect(lines).toBe(3)
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 })
    }
    expect(await page.getByRole('button', { name: 'Copy the base URL' }).isVisible()).toBe(true)
  })

  test('offers no Copy of the base URL while stopped, and points at the Port field when the port is taken', async ({
    app
  }) => {
    const { page } = app
    await page.getByRole('button', { name: 'Stop' }).click()
    await expect.poll(() => page.getByTestId('server-state').textContent()).toBe('Stopped')
    expect(await page.getByRole('button', { name: 'Copy the base URL' }).count()).toBe(0)
    await page.getByTestId('server-url-stopped').waitFor()

    const server = createServer()
    blocker = server
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    const taken = (server.address() as { port: number }).port
    const port = page.getByRole('textbox', { name: 'Port', exact: true })
    const before = await port.inputValue()
    await port.fill(String(taken))
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('button', { name: 'Start' }).click()
    const banner = page.getByText(/did not start/)
    await banner.waitFor()
    const message = (await banner.textContent()) ?? ''
    expect(message).toContain('already in use')
    expect(message).toContain('change the Port below')
    expect(message).not.toContain('--port')

    await page.getByRole('textbox', { name: 'Port', exact: true }).fill(before)
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('button', { name: 'Start' }).click()
    await expect.poll(() => page.getByTestId('server-state').textContent()).toBe('Running')
  })
})
