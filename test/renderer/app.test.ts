/// <reference lib="dom" />
// End-to-end: the built renderer in Chromium, window.flowkeys bound to the real handler table over a real core,
// the real key server and real HTTP requests (curl). Takes the README's screenshots: into a temporary folder
// under `npm test` (a test run leaves the repository as it was), into docs/screenshots under
// `npm run screenshots` (FLOWKEYS_SCREENSHOTS names the folder).
import { execFile } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import type { Locator, Page } from '@playwright/test'
import type { ApiKeyRecord } from '../../src/main/store/schema'
import { tempDir } from '../helpers/tmp'
import { expect, test, type App } from './app-fixtures'

test.use({ launch: { prefix: 'flowkeys-renderer-' } })
// The tests go on from where the one before left the app: after a failure, the rest do not run.
test.describe.configure({ mode: 'serial' })

const run = promisify(execFile)
let screenshots: string | undefined
/** The screenshots' folder, made with the first (in the worker: Playwright's main process loads this file too). */
const screenshotsDir = (): string =>
  (screenshots ??= process.env.FLOWKEYS_SCREENSHOTS
    ? resolve(import.meta.dirname, '../..', process.env.FLOWKEYS_SCREENSHOTS)
    : tempDir('flowkeys-screenshots-'))
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

const CREDENTIAL = 'sk-proj-e2e-CREDENTIAL-value-4f1d9a'
const REPLACEMENT = 'sk-proj-e2e-REPLACEMENT-value-77c0e2'
const FROM_FILE = 'sk-ant-e2e-FROM-DOTENV-value-0b5e11'

const dialog = (page: Page): Locator => page.getByRole('dialog')
const serverUrl = (app: App): string => app.server.status().url as string

/** `curl` against the key server, as a user would; returns the HTTP status. */
async function curl(app: App, path: string, apiKey?: string): Promise<number> {
  const args = ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10']
  if (apiKey) args.push('-H', `x-api-key: ${apiKey}`)
  const { stdout } = await run('curl', [...args, `${serverUrl(app)}${path}`])
  return Number(stdout)
}

/**
 * Writes <screenshots>/<name>-<theme>.png in both themes, without toasts or half-run transitions, and checks
 * them: PNG files, and two different pictures (the themes were really applied).
 */
async function screenshot(page: Page, name: string): Promise<void> {
  const screenshots = screenshotsDir()
  mkdirSync(screenshots, { recursive: true })
  const dismiss = page.getByRole('button', { name: 'Dismiss' })
  while ((await dismiss.count()) > 0) await dismiss.first().click()
  await page.mouse.move(0, 0)
  // The smallest window the app supports, as the README shows it.
  const size = page.viewportSize()
  await page.setViewportSize({ width: 800, height: 600 })
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' })
    await page.screenshot({ path: join(screenshots, `${name}-${colorScheme}.png`) })
  }
  if (size) await page.setViewportSize(size)
  const [light, dark] = (['light', 'dark'] as const).map((theme) =>
    readFileSync(join(screenshots, `${name}-${theme}.png`))
  )
  for (const png of [light!, dark!]) expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
  expect(light!.equals(dark!)).toBe(false)
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' })
}

/** Every response main sent the page, as one string. */
const allResponses = (app: App): string => JSON.stringify(app.exchanges.map((e) => e.result))

test.describe('API keys', () => {
  let plaintext = ''

  test('starts with an empty state', async ({ app }) => {
    await expect.poll(() => app.page.getByText('No API keys yet').isVisible()).toBe(true)
  })

  test('creates a key and shows it once, with a copy button and a clear warning', async ({ app }) => {
    const { page } = app
    await page.getByRole('button', { name: 'Create key' }).first().click()
    await expect.poll(() => dialog(page).isVisible()).toBe(true)
    // Focus starts in the dialog, on the name.
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true)
    await dialog(page).getByLabel('Name', { exact: true }).fill('Langflow prod')
    await dialog(page).getByLabel('Expires').selectOption('30')
    await dialog(page).getByRole('button', { name: 'Create key' }).click()

    await dialog(page).getByText('You will not see it again').waitFor()
    plaintext = await page.getByTestId('new-api-key').inputValue()
    expect(plaintext).toMatch(/^sk-[A-Za-z0-9_-]{43}$/)

    await dialog(page).getByRole('button', { name: 'Copy the API key' }).click()
    await page.getByText('The clipboard is cleared in 30 s').waitFor()
    expect(app.clipboard.text).toBe(plaintext)

    // The plaintext crossed the bridge exactly once: in the keys:create response.
    const carriers = app.exchanges.filter((e) => JSON.stringify(e.result).includes(plaintext))
    expect(carriers.map((e) => e.channel)).toEqual(['keys:create'])
    await dialog(page).getByRole('button', { name: 'Done' }).click()
  })

  test('forgets the key when the dialog closes; the table shows it masked', async ({ app }) => {
    const { page } = app
    await expect.poll(() => dialog(page).count()).toBe(0)
    const row = page.getByRole('row').filter({ hasText: 'Langflow prod' })
    await expect.poll(() => row.count()).toBe(1)
    const text = (await row.textContent()) ?? ''
    expect(text).toContain(`${plaintext.slice(0, 8)}****`)
    expect(text).toContain('Active')
    expect(await page.content()).not.toContain(plaintext.slice(8))
    await page.getByRole('button', { name: 'Create key' }).first().click()
    await page.keyboard.press('Escape')
    expect(await page.content()).not.toContain(plaintext.slice(8))
  })

  test('revokes selected keys after a confirmation, and the server refuses them at once', async ({
    app,
    nav
  }) => {
    const { page } = app
    const other = await app.core.keys.create(app.core.desktopActor(), { name: 'Staging' })
    expect(await app.core.keys.verify(plaintext)).not.toBeNull()
    expect(await curl(app, '/api/v1/users/whoami', plaintext)).toBe(200)
    await nav('Global variables')
    await nav('API keys')
    await page.getByRole('checkbox', { name: 'Select Langflow prod' }).check()
    await page.getByRole('checkbox', { name: 'Select Staging' }).check()
    await page.getByRole('button', { name: 'Revoke 2' }).click()
    const confirm = page.getByRole('alertdialog')
    await confirm.getByText('Revoke 2 API keys?').waitFor()
    // The safe choice has the focus.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel')
    await confirm.getByRole('button', { name: 'Revoke keys' }).click()
    await page.getByText('2 keys are revoked.').waitFor()
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'Langflow prod' }).count()).toBe(0)

    expect(await app.core.keys.verify(plaintext)).toBeNull()
    expect(await app.core.keys.verify(other.api_key)).toBeNull()
    expect(await curl(app, '/api/v1/users/whoami', plaintext)).toBe(403)
  })
})

test.describe('global variables', () => {
  test('creates a Credential whose value never reaches the page', async ({ app, nav }) => {
    const { page } = app
    await nav('Global variables')
    await page.getByText('No global variables yet').waitFor()
    await page.getByRole('button', { name: 'New variable' }).first().click()
    await dialog(page).getByLabel('Name', { exact: true }).fill('OPENAI_API_KEY')
    await dialog(page).getByLabel('Value', { exact: true }).fill(CREDENTIAL)
    await dialog(page).getByLabel('Apply to fields').fill('openai_api_key, api_key')
    await dialog(page).getByRole('button', { name: 'Create variable' }).click()
    const row = page.locator('tr[data-variable="OPENAI_API_KEY"]')
    await row.waitFor()
    expect(await row.textContent()).toContain('Credential')
    expect(await row.textContent()).toContain('openai_api_key')
  })

  test('edits a Credential without showing its value: a new value replaces it', async ({ app }) => {
    const { page } = app
    await page.getByRole('button', { name: 'Edit OPENAI_API_KEY' }).click()
    const value = dialog(page).getByLabel('New value')
    expect(await value.inputValue()).toBe('')
    await dialog(page).getByText('The current value is never shown').waitFor()
    await value.fill(REPLACEMENT)
    await dialog(page).getByRole('button', { name: 'Save' }).click()
    await page.getByText('OPENAI_API_KEY is saved.').waitFor()
    expect((await app.core.variables.get(app.core.desktopActor().id, 'OPENAI_API_KEY')).value).toBe(
      REPLACEMENT
    )
  })

  test('shows a Generic value on request', async ({ app }) => {
    const { page } = app
    await page.getByRole('button', { name: 'New variable' }).first().click()
    // A name a .env file cannot hold is allowed, with a word on what it will miss.
    const notEnv = dialog(page).getByText('Not a .env name (letters, digits and _)', { exact: false })
    await dialog(page).getByLabel('Name', { exact: true }).fill('openai model')
    await notEnv.waitFor()
    await dialog(page).getByLabel('Name', { exact: true }).fill('OPENAI_MODEL')
    await notEnv.waitFor({ state: 'detached' })
    await dialog(page)
      .getByRole('radio', { name: /Generic/ })
      .check()
    await dialog(page).getByLabel('Value', { exact: true }).fill('gpt-4o-mini')
    await dialog(page).getByRole('button', { name: 'Create variable' }).click()
    const row = page.locator('tr[data-variable="OPENAI_MODEL"]')
    await row.waitFor()
    expect(await row.textContent()).not.toContain('gpt-4o-mini')
    await row.getByRole('button', { name: 'Show the value of OPENAI_MODEL' }).click()
    expect(await row.textContent()).toContain('gpt-4o-mini')
  })

  test('deletes a variable after a confirmation', async ({ app }) => {
    const { page } = app
    await app.core.keys.create(app.core.desktopActor(), { name: 'unused' }) // any write: the list is re-read
    await page.getByRole('button', { name: 'New variable' }).first().click()
    await dialog(page).getByLabel('Name', { exact: true }).fill('TEMPORARY')
    await dialog(page).getByLabel('Value', { exact: true }).fill('to be deleted')
    await dialog(page).getByRole('button', { name: 'Create variable' }).click()
    await page.getByRole('button', { name: 'Delete TEMPORARY' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete variable' }).click()
    await expect.poll(() => page.locator('tr[data-variable="TEMPORARY"]').count()).toBe(0)
  })

  test('never sent a Credential value to the page', async ({ app }) => {
    const html = await app.page.content()
    for (const secret of [CREDENTIAL, REPLACEMENT]) {
      expect(html).not.toContain(secret)
      expect(allResponses(app)).not.toContain(secret)
    }
  })
})

test.describe('.env import', () => {
  const file = [
    '# exported from the old machine',
    `OPENAI_API_KEY=${FROM_FILE}`,
    'OPENAI_MODEL=gpt-4o-mini',
    'ANTHROPIC_API_KEY=sk-ant-e2e-new-one',
    '9_NOT_A_NAME=x',
    ''
  ].join('\n')

  test('previews a dropped file: new, conflict, unchanged and invalid lines with their line numbers', async ({
    app,
    nav
  }) => {
    const { page } = app
    await nav('Import .env')
    const transfer = await page.evaluateHandle((text) => {
      const data = new DataTransfer()
      data.items.add(new File([text], '.env', { type: 'text/plain' }))
      return data
    }, file)
    await page.getByTestId('env-dropzone').dispatchEvent('drop', { dataTransfer: transfer })
    await page.getByRole('table', { name: 'Lines of the file' }).waitFor()
    const rows = await page.locator('tr[data-env-line]').evaluateAll((trs) =>
      trs.map((tr) =>
        Array.from(tr.querySelectorAll('td'))
          .slice(0, 3)
          .map((td) => td.textContent?.trim())
      )
    )
    expect(rows).toEqual([
      ['2', 'OPENAI_API_KEY', 'Conflict'],
      ['3', 'OPENAI_MODEL', 'Unchanged'],
      ['4', 'ANTHROPIC_API_KEY', 'New'],
      ['5', '9_NOT_A_NAME', 'Invalid']
    ])
    // A conflict keeps the stored value unless the user chooses otherwise.
    expect(await page.getByRole('radio', { name: 'Keep current' }).isChecked()).toBe(true)
    await screenshot(page, 'import')
  })

  test('applies the choice per conflict and shows a summary', async ({ app }) => {
    const { page } = app
    const choice = page.getByRole('radiogroup', { name: 'What to do with OPENAI_API_KEY' })
    await choice.getByText('Overwrite').click()
    expect(await choice.getByRole('radio', { name: 'Overwrite' }).isChecked()).toBe(true)
    await page.getByRole('button', { name: 'Import 2 variables' }).click()
    const summary = page.getByRole('region', { name: 'Import summary' })
    await summary.waitFor()
    const text = (await summary.textContent()) ?? ''
    expect(text).toMatch(/Created1\s*ANTHROPIC_API_KEY/)
    expect(text).toMatch(/Overwritten1\s*OPENAI_API_KEY/)
    expect(text).toMatch(/Already up to date1\s*OPENAI_MODEL/)
    expect(text).toContain('line 5')
    const user = app.core.desktopActor().id
    expect((await app.core.variables.get(user, 'OPENAI_API_KEY')).value).toBe(FROM_FILE)
    expect(allResponses(app)).not.toContain(FROM_FILE)
  })

  test('reads a file from the file picker too', async ({ app }) => {
    const { page } = app
    await page.getByRole('button', { name: 'Import another file' }).click()
    await page.getByLabel('Choose a .env file').setInputFiles({
      name: 'project.env',
      mimeType: 'text/plain',
      buffer: Buffer.from('OPENAI_MODEL=gpt-4o-mini\n')
    })
    await page.getByText('project.env').waitFor()
    expect(await page.getByRole('button', { name: 'Nothing to import' }).isDisabled()).toBe(true)
    await page.getByRole('button', { name: 'Cancel' }).click()
  })
})

test.describe('key server', () => {
  test('shows the base URL and a ready curl command', async ({ app, nav }) => {
    const { page } = app
    await nav('Key server')
    await expect.poll(() => page.getByTestId('server-state').textContent()).toBe('Running')
    expect(await page.getByTestId('server-url').textContent()).toBe(serverUrl(app))
    expect(await page.getByTestId('curl-example').textContent()).toBe(
      `curl \\\n  -H "x-api-key: $LANGFLOW_API_KEY" \\\n  ${serverUrl(app)}/api/v1/users/whoami`
    )
  })

  test('lists a request made with curl in the access log, with the key name and no secret', async ({
    app
  }) => {
    const { page } = app
    const { api_key } = await app.core.keys.create(app.core.desktopActor(), { name: 'curl demo' })
    expect(await curl(app, '/api/v1/users/whoami', api_key)).toBe(200)
    expect(await curl(app, `/api/v1/users/whoami?x-api-key=${api_key}`)).toBe(200)
    const rows = page
      .getByRole('table', { name: 'Recent requests' })
      .getByRole('row')
      .filter({ hasText: '/api/v1/users/whoami' })
      .filter({ hasText: 'curl demo' })
    // The page polls the log every 2 s.
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2)
    for (const row of await rows.all()) {
      const cells = await row.getByRole('cell').allTextContents()
      expect(cells.slice(1)).toEqual(['GET', '/api/v1/users/whoami', 'curl demo', '200'])
    }
    expect(await page.content()).not.toContain(api_key)
  })

  test('stops and starts the server', async ({ app }) => {
    const { page } = app
    await page.getByRole('button', { name: 'Stop' }).click()
    await expect.poll(() => page.getByTestId('server-state').textContent()).toBe('Stopped')
    expect(app.server.status().running).toBe(false)
    await page.getByRole('button', { name: 'Start' }).click()
    await expect.poll(() => page.getByTestId('server-state').textContent()).toBe('Running')
    expect(await curl(app, '/health')).toBe(200)
  })
})

test.describe('users', () => {
  test('adds, deactivates, promotes and deletes a user', async ({ app, nav }) => {
    const { page } = app
    await nav('Users')
    await page.getByRole('button', { name: 'Add user' }).click()
    await dialog(page).getByLabel('Username').fill('grace')
    await dialog(page).getByLabel('Password').fill('correct horse battery')
    await dialog(page).getByRole('button', { name: 'Add user' }).click()
    const row = page.locator('tr[data-user="grace"]')
    await row.waitFor()
    await row.getByRole('button', { name: 'Deactivate' }).click()
    await row.getByText('Inactive').waitFor()
    await row.getByRole('button', { name: 'Promote' }).click()
    await row.getByText('Superuser').waitFor()
    expect(await app.core.users.findByUsername('grace')).toMatchObject({
      is_active: false,
      is_superuser: true
    })
    await row.getByRole('button', { name: 'Delete grace' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete user' }).click()
    await expect.poll(() => row.count()).toBe(0)
    expect(await app.core.users.findByUsername('grace')).toBeUndefined()
  })

  test('does not let the desktop user lock itself out', async ({ app }) => {
    const row = app.page.locator('tr[data-user="langflow"]')
    expect(await row.getByRole('button', { name: 'Deactivate' }).isDisabled()).toBe(true)
    expect(await row.getByRole('button', { name: 'Delete langflow' }).isDisabled()).toBe(true)
  })
})

test.describe('keyboard', () => {
  test('keeps Tab inside a dialog, closes it with Escape and returns the focus', async ({ app, nav }) => {
    const { page } = app
    await nav('API keys')
    const opener = page.getByRole('button', { name: 'Create key' }).first()
    await opener.focus()
    await page.keyboard.press('Enter')
    await dialog(page).waitFor()
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab')
      expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true)
    }
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog(page).count()).toBe(0)
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Create key')
  })
})

test.describe('screenshots', () => {
  test('captures every page in light and dark', async ({ app, nav }) => {
    const { page, core } = app
    const actor = core.desktopActor()
    for (const [name, days] of [
      ['Langflow desktop', null],
      ['CI pipeline', 90],
      ['Staging flows', 30],
      ['Notebook experiments', 7]
    ] as const) {
      const { api_key } = await core.keys.create(actor, {
        name,
        expires_at: days ? new Date(Date.now() + days * 86_400_000).toISOString() : null
      })
      for (let i = 0; i < name.length % 5; i++) await core.keys.verify(api_key)
    }
    await core.users.create(actor, { username: 'ada', password: 'a long password', is_superuser: true })
    await core.users.create(actor, { username: 'grace', password: 'a long password' })
    const { api_key } = await core.keys.create(actor, { name: 'Langflow desktop (2)' })
    await curl(app, '/api/v1/api_key/', api_key)
    await core.keys.revoke(actor, (await core.keys.find(actor, 'Langflow desktop (2)'))[0]!.id)
    for (const [label, file, ready] of [
      ['API keys', 'keys', page.getByRole('row').filter({ hasText: 'Notebook experiments' })],
      ['Global variables', 'variables', page.locator('tr[data-variable="OPENAI_API_KEY"]')],
      ['Key server', 'server', page.getByRole('row').filter({ hasText: '/api/v1/api_key/' })],
      ['Users', 'users', page.locator('tr[data-user="grace"]')],
      ['Vault', 'vault', page.getByRole('heading', { name: 'Backup' })]
    ] as const) {
      await nav('Import .env') // leave and come back: each page reloads its data when shown
      await nav(label)
      await ready.first().waitFor()
      await screenshot(page, file)
    }
  })
})

test.describe('10,000 keys', () => {
  test('stay smooth: only the rows in view are in the DOM, and sorting and filtering still work', async ({
    app,
    nav
  }) => {
    const { page, core } = app
    const actor = core.desktopActor()
    // One write for all of them (10,000 insertKey calls would rewrite the file 10,000 times).
    await core.store.transaction(async (tx) => {
      const data = await tx.exportAll()
      const now = Date.now()
      for (let i = 0; i < 10_000; i++) {
        const record: ApiKeyRecord = {
          id: randomUUID(),
          name: `bulk-${String(i).padStart(5, '0')}`,
          hash: randomBytes(32).toString('hex'),
          prefix: `sk-${randomBytes(4).toString('hex').slice(0, 5)}`,
          created_at: new Date(now - i * 60_000).toISOString(),
          last_used_at: null,
          total_uses: i % 17,
          is_active: true,
          user_id: actor.id,
          expires_at: null,
          allowed_flows: null
        }
        data.api_keys.push(record)
      }
      await tx.replaceAll(data)
    })
    await nav('Global variables')
    await nav('API keys')
    await page.getByText(/^10,0\d\d keys$/).waitFor()
    const rendered = page.locator('[role="row"][data-key-id]')
    expect(await rendered.count()).toBeLessThan(60)

    await page.getByRole('button', { name: 'Name', exact: true }).click()
    const scroller = page.getByTestId('keys-scroll')
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }))
    await page.getByRole('row').filter({ hasText: 'bulk-09999' }).waitFor()
    expect(await rendered.count()).toBeLessThan(60)

    await page.getByLabel('Filter keys by name or key prefix').fill('bulk-0424')
    await page.getByText('10 of 10,0', { exact: false }).waitFor()
    expect(await rendered.count()).toBe(10)
  })
})

test.describe('store', () => {
  test('shows on the Server page which store the app uses, readable in an 800×600 window', async ({
    app,
    nav
  }) => {
    const { page, core } = app
    const file = join(core.dataDir, 'flowkeys.json')
    expect(core.store.location).toEqual({ kind: 'file', where: file })
    await page.setViewportSize({ width: 800, height: 600 })
    try {
      await nav('Import .env')
      await nav('Key server') // mounting the page loads the store's location
      const store = page.getByRole('group', { name: 'Store: JSON file', exact: true })
      await store.scrollIntoViewIfNeeded()
      expect(await store.getByTestId('store-kind').textContent()).toBe('JSON file')
      expect(await store.getByTestId('store-where').textContent()).toBe(file)
      expect(await store.textContent()).not.toContain('team store')
      // Readable: all of it inside the window and the box, nothing cut off or scrolled sideways.
      const fits = await store.evaluate((box) => {
        const rect = box.getBoundingClientRect()
        return (
          rect.left >= 0 &&
          rect.right <= window.innerWidth &&
          rect.bottom <= window.innerHeight &&
          box.scrollWidth <= box.clientWidth &&
          document.documentElement.scrollWidth <= window.innerWidth
        )
      })
      expect(fits).toBe(true)
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 })
    }
  })
})
