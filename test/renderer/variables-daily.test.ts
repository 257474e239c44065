/// <reference lib="dom" />
// The Global variables page as a daily tool (issue 22): usable in an 800×600 window, large stores virtualised,
// search and sort, created/updated times, copy of a Generic value, bulk delete, and the reveal of a Credential
// after the password. The built renderer in Chromium over a real core (test/renderer/harness.ts).
import { randomUUID } from 'node:crypto'
import type { Locator, Page } from '@playwright/test'
import type { VariableRecord } from '../../src/main/store/schema'
import { expect, navigate, test, type App } from './app-fixtures'

const SECRET = 'sk-proj-daily-REVEAL-me-only-with-password-5e1a'
const MODEL = 'gpt-4o-mini-daily'
/** The configured superuser's password (LANGFLOW_SUPERUSER_PASSWORD's default): the app acts as that user. */
const PASSWORD = 'langflow'

test.use({ launch: { prefix: 'flowkeys-vars-daily-' } })
// The tests go on from where the one before left the app: after a failure, the rest do not run.
test.describe.configure({ mode: 'serial' })

const dialog = (page: Page): Locator => page.getByRole('dialog')
const rowNames = (page: Page): Promise<string[]> =>
  page.locator('tbody tr[data-variable]').evaluateAll((rows) => rows.map((r) => r.dataset.variable ?? ''))

interface Seed {
  name: string
  type: 'Credential' | 'Generic'
  value: string
  created: string
  updated: string
  fields?: string[]
}

/** Writes the variables in one store write, with the given times (the service would stamp "now"). */
async function seed(app: App, variables: Seed[]): Promise<void> {
  const { core } = app
  const userId = core.desktopActor().id
  await core.store.transaction(async (tx) => {
    const data = await tx.exportAll()
    for (const v of variables) {
      const record: VariableRecord = {
        id: randomUUID(),
        user_id: userId,
        name: v.name,
        type: v.type,
        value: core.vault.encrypt(v.value),
        default_fields: v.fields ?? [],
        source: 'app',
        created_at: v.created,
        updated_at: v.updated
      }
      data.variables.push(record)
    }
    await tx.replaceAll(data)
  })
}

/** Leaves the page and comes back: the page loads the variables when shown. */
async function reopen(page: Page): Promise<void> {
  await navigate(page, 'Import .env')
  await navigate(page, 'Global variables')
}

test.beforeAll(async ({ app }) => {
  await seed(app, [
    {
      name: 'OPENAI_API_KEY',
      type: 'Credential',
      value: SECRET,
      created: '2026-01-05T10:00:00.000Z',
      updated: '2026-03-01T10:00:00.000Z',
      fields: ['openai_api_key']
    },
    {
      name: 'MODEL_NAME',
      type: 'Generic',
      value: MODEL,
      created: '2026-02-10T10:00:00.000Z',
      updated: '2026-02-11T10:00:00.000Z'
    },
    {
      name: 'ANTHROPIC_API_KEY',
      type: 'Credential',
      value: 'sk-ant-daily-second-credential-0c9d',
      created: '2026-03-15T10:00:00.000Z',
      updated: '2026-03-16T10:00:00.000Z'
    },
    {
      name: 'BASE_URL',
      type: 'Generic',
      value: 'https://example.invalid/v1',
      created: '2025-12-01T10:00:00.000Z',
      updated: '2026-04-01T10:00:00.000Z'
    }
  ])
})

test.describe('an 800×600 window', () => {
  test('reaches every action of Global variables by pointer and by Tab, and no page scrolls sideways', async ({
    app,
    nav
  }) => {
    const { page } = app
    await page.setViewportSize({ width: 800, height: 600 })
    try {
      await reopen(page)
      await page.locator('tr[data-variable="OPENAI_API_KEY"]').waitFor()
      // The sidebar is a rail of icons, each still named.
      const sidebar = await page.getByRole('navigation').boundingBox()
      expect(sidebar?.width).toBeLessThan(100)
      for (const name of ['API keys', 'Global variables', 'Import .env', 'Key server', 'Vault', 'Users'])
        expect(await page.getByRole('navigation').getByRole('button', { name, exact: true }).count()).toBe(1)

      // Every enabled button and checkbox of the page: inside the window's width, and reached by Tab.
      const controls = await page.evaluate(() => {
        const all = Array.from(
          document.querySelectorAll<HTMLElement>('nav button, main button, main input')
        ).filter((el) => !el.matches(':disabled') && el.getClientRects().length > 0)
        return all.map((el, i) => {
          el.dataset.probe = String(i)
          const rect = el.getBoundingClientRect()
          return {
            probe: String(i),
            name: el.getAttribute('aria-label') ?? el.textContent ?? '',
            left: rect.left,
            right: rect.right
          }
        })
      })
      expect(controls.map((c) => c.name)).toEqual(
        expect.arrayContaining([
          'Edit OPENAI_API_KEY',
          'Delete OPENAI_API_KEY',
          'Reveal the value of OPENAI_API_KEY',
          'Copy the value of MODEL_NAME',
          'Select BASE_URL'
        ])
      )
      for (const control of controls) {
        expect(control.left, control.name).toBeGreaterThanOrEqual(0)
        expect(control.right, control.name).toBeLessThanOrEqual(800)
      }
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
      const reached = new Set<string>()
      for (let i = 0; i < controls.length + 10; i++) {
        await page.keyboard.press('Tab')
        const probe = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.probe)
        if (probe) reached.add(probe)
      }
      expect(controls.filter((c) => !reached.has(c.probe)).map((c) => c.name)).toEqual([])

      for (const name of ['API keys', 'Global variables', 'Import .env', 'Key server', 'Vault', 'Users']) {
        await nav(name)
        await page.getByRole('heading', { level: 1 }).waitFor()
        const sideways = await page.evaluate(() => {
          const root = document.scrollingElement as HTMLElement
          const main = document.querySelector('main') as HTMLElement
          return { root: root.scrollWidth - root.clientWidth, main: main.scrollWidth - main.clientWidth }
        })
        expect(sideways, name).toEqual({ root: 0, main: 0 })
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 })
    }
  })
})

test.describe('what users expect', () => {
  test('searches by name', async ({ app }) => {
    const { page } = app
    await reopen(page)
    await page.locator('tr[data-variable="OPENAI_API_KEY"]').waitFor()
    await page.getByLabel('Search variables by name').fill('api_key')
    await page.getByText('2 of 4').waitFor()
    expect(await rowNames(page)).toEqual(['ANTHROPIC_API_KEY', 'OPENAI_API_KEY'])
    await page.getByLabel('Search variables by name').fill('nothing-like-this')
    await page.getByText('No variables match').waitFor()
    await page.getByLabel('Search variables by name').fill('')
    await page.getByText('4 variables').waitFor()
  })

  test('sorts by name, type, created and updated', async ({ app }) => {
    const { page } = app
    const header = (name: string): Locator => page.getByRole('columnheader').getByRole('button', { name })
    expect(await rowNames(page)).toEqual(['ANTHROPIC_API_KEY', 'BASE_URL', 'MODEL_NAME', 'OPENAI_API_KEY'])
    await header('Name').click()
    expect(await rowNames(page)).toEqual(['OPENAI_API_KEY', 'MODEL_NAME', 'BASE_URL', 'ANTHROPIC_API_KEY'])
    expect(await page.getByRole('columnheader', { name: 'Name' }).getAttribute('aria-sort')).toBe(
      'descending'
    )
    await header('Type').click()
    expect(await rowNames(page)).toEqual(['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'BASE_URL', 'MODEL_NAME'])
    await header('Created').click() // newest first
    expect(await rowNames(page)).toEqual(['ANTHROPIC_API_KEY', 'MODEL_NAME', 'OPENAI_API_KEY', 'BASE_URL'])
    await header('Created').click()
    expect(await rowNames(page)).toEqual(['BASE_URL', 'OPENAI_API_KEY', 'MODEL_NAME', 'ANTHROPIC_API_KEY'])
    await header('Updated').click()
    expect(await rowNames(page)).toEqual(['BASE_URL', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'MODEL_NAME'])
    await header('Name').click()
    expect(await rowNames(page)).toEqual(['ANTHROPIC_API_KEY', 'BASE_URL', 'MODEL_NAME', 'OPENAI_API_KEY'])
  })

  test('shows when each variable was created and last updated', async ({ app }) => {
    const row = app.page.locator('tr[data-variable="OPENAI_API_KEY"]')
    expect(
      await row.locator('time').evaluateAll((times) => times.map((t) => t.getAttribute('datetime')))
    ).toEqual(['2026-01-05T10:00:00.000Z', '2026-03-01T10:00:00.000Z'])
    const shown = await row.locator('time').allTextContents()
    expect(shown.every((text) => /2026/.test(text))).toBe(true)
  })

  test('copies a Generic value through the clipboard path that wipes it later', async ({ app }) => {
    const { page } = app
    app.clipboard.text = ''
    await page.getByRole('button', { name: 'Copy the value of MODEL_NAME' }).click()
    await page.getByText('Copied. The clipboard is cleared in 30 s.').waitFor()
    expect(app.clipboard.text).toBe(MODEL)
    const copy = app.exchanges.filter((e) => e.channel === 'clipboard:copy').at(-1)
    expect(copy?.payload).toEqual({ text: MODEL, secret: true })
    // A Credential has no copy button in the table: its value is not there.
    expect(await page.getByRole('button', { name: 'Copy the value of OPENAI_API_KEY' }).count()).toBe(0)

    // The delay reads as every other copy says it ("2 min", not "120 s").
    expect((await app.table['app:updateSettings']({ clipboardClearSeconds: 120 })).ok).toBe(true)
    await page.getByRole('button', { name: 'Copy the value of MODEL_NAME' }).click()
    await page.getByText('Copied. The clipboard is cleared in 2 min.').waitFor()
    expect((await app.table['app:updateSettings']({ clipboardClearSeconds: 30 })).ok).toBe(true)
  })

  test('reveals a Credential only after the right password, and logs every try', async ({ app }) => {
    const { page, core } = app
    const credentialReads = (): { variable?: string; outcome?: string }[] =>
      core.accessLog
        .recent(50, (e) => e.kind === 'credential' && e.variable === 'OPENAI_API_KEY')
        .map((e) => ({ variable: e.variable, outcome: e.outcome }))
    expect(credentialReads()).toEqual([])
    await page.getByRole('button', { name: 'Reveal the value of OPENAI_API_KEY' }).click()
    await dialog(page).getByText('This Credential is hidden.', { exact: false }).waitFor()
    await dialog(page).getByLabel('Your password').fill('not-the-password')
    await dialog(page).getByRole('button', { name: 'Show value' }).click()
    await dialog(page).getByText('Incorrect password. The value stays hidden.').waitFor()
    expect(await page.content()).not.toContain(SECRET)
    expect(credentialReads()).toEqual([{ variable: 'OPENAI_API_KEY', outcome: 'refused' }])

    await dialog(page).getByLabel('Your password').fill(PASSWORD)
    await dialog(page).getByRole('button', { name: 'Show value' }).click()
    const value = dialog(page).getByLabel('Value', { exact: true })
    await value.waitFor()
    // Masked first; the toggle shows it.
    expect(await value.getAttribute('type')).toBe('password')
    expect(await value.inputValue()).toBe(SECRET)
    await dialog(page).getByRole('button', { name: 'Show the value' }).click()
    expect(await value.getAttribute('type')).toBe('text')
    expect(credentialReads()).toEqual([
      { variable: 'OPENAI_API_KEY', outcome: 'served' },
      { variable: 'OPENAI_API_KEY', outcome: 'refused' }
    ])
    await dialog(page).getByRole('button', { name: 'Done' }).click()
    await dialog(page).waitFor({ state: 'detached' })
    // Gone with the dialog: nowhere in the page, and the table still masks it.
    expect(await page.content()).not.toContain(SECRET)
    const inWindow = await page.evaluate((secret) => {
      const seen = new WeakSet<object>()
      const walk = (value: unknown, depth: number): boolean => {
        if (typeof value === 'string') return value.includes(secret)
        if (!value || typeof value !== 'object' || depth > 6 || seen.has(value)) return false
        seen.add(value)
        return Object.values(value).some((v) => walk(v, depth + 1))
      }
      return document.body.innerText.includes(secret) || walk(window.localStorage, 0)
    }, SECRET)
    expect(inWindow).toBe(false)
  })

  test('deletes the selected variables after one confirmation, in one request', async ({ app }) => {
    const { page, core } = app
    const before = app.exchanges.length
    await page.getByRole('checkbox', { name: 'Select BASE_URL' }).check()
    await page.getByRole('checkbox', { name: 'Select MODEL_NAME' }).check()
    await page.getByRole('button', { name: 'Delete 2' }).click()
    const confirm = page.getByRole('alertdialog')
    await confirm.getByText('Delete 2 variables?').waitFor()
    await confirm.getByRole('button', { name: 'Delete variables' }).click()
    await page.getByText('2 variables are deleted.').waitFor()
    expect(await rowNames(page)).toEqual(['ANTHROPIC_API_KEY', 'OPENAI_API_KEY'])
    const names = (await core.variables.list(core.desktopActor().id)).map((v) => v.name).sort()
    expect(names).toEqual(['ANTHROPIC_API_KEY', 'OPENAI_API_KEY'])
    const deletes = app.exchanges
      .slice(before)
      .filter((e) => e.channel === 'variables:deleteMany' || e.channel === 'variables:delete')
    expect(deletes).toHaveLength(1)
    expect(deletes[0]?.channel).toBe('variables:deleteMany')
  })
})

test.describe('2,000 variables', () => {
  test('keeps only the rows in view in the DOM, and scrolling to the end shows the last one', async ({
    app
  }) => {
    const { page } = app
    const now = Date.now()
    await seed(
      app,
      Array.from({ length: 2_000 }, (_, i) => ({
        name: `BULK_${String(i).padStart(4, '0')}`,
        type: i % 3 === 0 ? ('Generic' as const) : ('Credential' as const),
        value: `value-${i}`,
        created: new Date(now - i * 60_000).toISOString(),
        updated: new Date(now - i * 30_000).toISOString()
      }))
    )
    await reopen(page)
    await page.getByText('2,002 variables').waitFor()
    const rendered = page.locator('tbody tr[data-variable]')
    expect(await rendered.count()).toBeLessThan(80)
    const scroller = page.getByTestId('variables-scroll')
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }))
    await page.locator('tr[data-variable="OPENAI_API_KEY"]').waitFor()
    await page.locator('tr[data-variable="BULK_1999"]').waitFor()
    expect(await rendered.count()).toBeLessThan(80)
    // The table's rows are announced with their place in the whole list.
    expect(await page.getByRole('table', { name: 'Global variables' }).getAttribute('aria-rowcount')).toBe(
      '2003'
    )
  })
})
