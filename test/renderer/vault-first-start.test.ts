/// <reference lib="dom" />
// End-to-end: never losing the vault from the app (issue "Never lose a vault"): at the first start, the offer of a
// recovery key and its one-time reveal, in the built renderer over the real handler table and core (./harness.ts),
// on a store without a recovery key. The Vault page is ./vault.test.ts.
import { hasRecoveryKey } from '../../src/main/recovery/recovery'
import { expect, sent, test } from './app-fixtures'
import { opens, readAndConfirm } from './recovery-key'

test.use({ launch: { prefix: 'flowkeys-vault-first-', recoveryKey: false } })
// The tests go on from where the one before left the app: after a failure, the rest do not run.
test.describe.configure({ mode: 'serial' })

test.describe('the first start, without a recovery key', () => {
  test.beforeAll(async ({ app }) => {
    // The smallest window the app supports: the whole key must still be readable.
    await app.page.setViewportSize({ width: 800, height: 600 })
  })

  test('offers a recovery key once; Later leaves a banner on the Vault page', async ({ app, nav }) => {
    const { page } = app
    const offer = page.getByRole('dialog', { name: 'Save your recovery key' })
    await offer.waitFor()
    expect(await offer.getByRole('button', { name: 'Show recovery key' }).isVisible()).toBe(true)
    await offer.getByRole('button', { name: 'Later' }).click()
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)
    expect(sent(app, 'vault:recovery-key')).toEqual([])
    expect(await hasRecoveryKey(app.core.store)).toBe(false)

    await nav('Vault')
    const banner = page.getByTestId('recovery-banner')
    await banner.waitFor()
    expect(await banner.textContent()).toContain('No recovery key yet')
    // Going around the app does not ask again in this run.
    await nav('API keys')
    await nav('Vault')
    await banner.waitFor()
    expect(await page.getByRole('dialog').count()).toBe(0)
    expect(sent(app, 'vault:status').length).toBeGreaterThan(1)
  })

  test('offers it again at the next start, and shows a key that opens the vault', async ({ app, nav }) => {
    const { page } = app
    await page.reload()
    const offer = page.getByRole('dialog', { name: 'Save your recovery key' })
    await offer.getByRole('button', { name: 'Show recovery key' }).click()
    const shown = await readAndConfirm(app)

    expect(await hasRecoveryKey(app.core.store)).toBe(true)
    expect(await opens(app.core, shown)).toBe(true)
    const answers = app.exchanges.filter((e) => JSON.stringify(e.result).includes(shown))
    expect(answers.map((e) => e.channel)).toEqual(['vault:recovery-key'])

    // The Vault page now says so, and offers no banner.
    await nav('Vault')
    await expect
      .poll(() => page.getByTestId('recovery-state').textContent())
      .toBe('This vault has a recovery key.')
    expect(await page.getByTestId('recovery-banner').count()).toBe(0)
  })
})
