/// <reference lib="dom" />
// The .env import as used day to day (issue 22), in the built renderer: a type per row guessed from the name and
// changeable, duplicates and lines without `=` said aloud (by number, never by content), and a preview that says
// what will happen where the summary says what happened.
import { expect, test } from './app-fixtures'

const PASTED = 'sk-e2e-PASTED-without-a-name-5d2c'
const KEY_VALUE = 'sk-e2e-import-daily-key-91aa'

test.use({ launch: { prefix: 'flowkeys-renderer-import-' } })
// The tests go on from where the one before left the app: after a failure, the rest do not run.
test.describe.configure({ mode: 'serial' })

const file = [
  '# the daily .env', // 1
  'SERVICE_API_KEY=sk-e2e-first-one', // 2
  'ASTRA_DB_API_ENDPOINT=https://db.example', // 3
  PASTED, // 4: no `=`
  'LANGFLOW_PORT=7860', // 5
  'MODEL_NAME=gpt-4o', // 6
  `SERVICE_API_KEY=${KEY_VALUE}`, // 7
  ''
].join('\n')

test.describe('.env import, day to day', () => {
  test('previews a type per row, what will happen, duplicates and skipped lines', async ({ app, nav }) => {
    const { page } = app
    await nav('Import .env')
    await page.getByLabel('Choose a .env file').setInputFiles({
      name: 'daily.env',
      mimeType: 'text/plain',
      buffer: Buffer.from(file)
    })
    await page.getByRole('table', { name: 'Lines of the file' }).waitFor()
    const rows = await page.locator('tr[data-env-line]').evaluateAll((trs) =>
      trs.map((tr) => {
        const cells = Array.from(tr.querySelectorAll('td'))
        return [
          cells[0]?.textContent?.trim(),
          cells[1]?.textContent?.trim(),
          cells[3]?.querySelector('select')?.value,
          tr.querySelector('[data-testid="env-outcome"]')?.textContent?.trim()
        ]
      })
    )
    expect(rows).toEqual([
      ['3', 'ASTRA_DB_API_ENDPOINT', 'Generic', 'Will create'],
      ['5', 'LANGFLOW_PORT', 'Generic', 'Will create'],
      ['6', 'MODEL_NAME', 'Generic', 'Will create'],
      ['7', 'SERVICE_API_KEY', 'Credential', 'Will create']
    ])
    expect(await page.locator('tr[data-env-line="7"] [data-testid="env-duplicate"]').textContent()).toBe(
      'Also set on line 2; the last one (line 7) wins'
    )
    const skipped = page.getByRole('list', { name: 'Skipped lines' })
    expect(await skipped.textContent()).toBe('line 4: no `=`; skipped')
    expect(await page.getByText('1 line skipped').isVisible()).toBe(true)
    // Nothing in the page or sent back holds the pasted line.
    expect(await page.content()).not.toContain(PASTED)
    expect(JSON.stringify(app.exchanges.map((e) => e.result))).not.toContain(PASTED)
  })

  test('applies the type chosen per row and says what happened', async ({ app }) => {
    const { page } = app
    await page.getByLabel('Type of MODEL_NAME').selectOption('Credential')
    await page.getByRole('button', { name: 'Import 4 variables' }).click()
    const summary = page.getByRole('region', { name: 'Import summary' })
    await summary.waitFor()
    const text = (await summary.textContent()) ?? ''
    expect(text).toMatch(/Created4\s*ASTRA_DB_API_ENDPOINT, LANGFLOW_PORT, MODEL_NAME, SERVICE_API_KEY/)
    expect(text).toMatch(/Skipped lines1\s*line 4: no `=`; skipped/)
    const user = app.core.desktopActor().id
    const types = Object.fromEntries((await app.core.variables.list(user)).map((v) => [v.name, v.type]))
    expect(types).toEqual({
      ASTRA_DB_API_ENDPOINT: 'Generic',
      LANGFLOW_PORT: 'Generic',
      MODEL_NAME: 'Credential',
      SERVICE_API_KEY: 'Credential'
    })
    expect((await app.core.variables.get(user, 'SERVICE_API_KEY')).value).toBe(KEY_VALUE)
  })

  test('a conflict says it will be skipped until the user overwrites it, then that it will update', async ({
    app
  }) => {
    const { page } = app
    await page.getByRole('button', { name: 'Import another file' }).click()
    await page.getByLabel('Choose a .env file').setInputFiles({
      name: 'again.env',
      mimeType: 'text/plain',
      buffer: Buffer.from('LANGFLOW_PORT=7861\nMODEL_NAME=gpt-4o\n')
    })
    const port = page.locator('tr[data-env-line="1"]')
    await port.waitFor()
    const outcome = port.getByTestId('env-outcome')
    expect(await outcome.textContent()).toBe('Skipped (keeps the current value)')
    expect(await port.getByLabel('Type of LANGFLOW_PORT').isDisabled()).toBe(true)
    expect(await page.locator('tr[data-env-line="2"]').getByTestId('env-outcome').textContent()).toBe(
      'Unchanged (already up to date)'
    )
    await port.getByText('Overwrite').click()
    expect(await outcome.textContent()).toBe('Will update')
    expect(await port.getByLabel('Type of LANGFLOW_PORT').isDisabled()).toBe(false)
    await page.getByRole('button', { name: 'Cancel' }).click()
  })
})
