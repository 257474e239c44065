/// <reference lib="dom" />
// End-to-end: never losing the vault from the app (issue "Never lose a vault"): the first-start offer of a
// recovery key and its one-time reveal, and the Vault page's backup, rotation and new recovery key, in the built
// renderer over the real handler table and core (./harness.ts); the save dialog answers a temp path.
import { readFileSync, statSync } from 'node:fs'
import type { Locator, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Core } from '../../src/main/core/open'
import { openBackup } from '../../src/main/recovery/backup-file'
import { passphraseProblem } from '../../src/main/recovery/passphrase'
import { hasRecoveryKey, makeRecoveryKey } from '../../src/main/recovery/recovery'
import { openWithRecovery, parseRecoveryKey } from '../../src/main/vault/recovery-key'
import { tempDir } from '../helpers/tmp'
import { launchApp, type App } from './harness'

// Crockford's base32 (no I, L, O, U), 8 groups of 5.
const RECOVERY_KEY_FORMAT = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){7}$/
const PASSPHRASE = 'maple river quartz lantern'

const sent = (app: App, channel: string): unknown[] =>
  app.exchanges.filter((e) => e.channel === channel).map((e) => e.payload)
const nav = (page: Page, name: string): Promise<void> =>
  page.getByRole('navigation').getByRole('button', { name }).click()
const isFocused = (locator: Locator): Promise<boolean> =>
  locator.evaluate((el) => el === document.activeElement)

/** The master key a recovery key opens from the store's envelope (throws when it does not open it). */
async function opens(core: Core, recoveryKey: string): Promise<boolean> {
  const envelope = (await core.store.vaultMeta()).vault_recovery
  if (!envelope) return false
  return openWithRecovery(parseRecoveryKey(recoveryKey), envelope).equals(core.vault.exportMasterKey())
}

/**
 * The one-time reveal: the key in a focused read-only field, Copy and Print, and Done disabled until "I have
 * written it down" is ticked (Escape does not close it before). Closes it and answers the key shown.
 */
async function readAndConfirm(app: App): Promise<string> {
  const reveal = app.page.getByRole('dialog', { name: 'Your recovery key' })
  const field = reveal.getByTestId('recovery-key')
  await field.waitFor()
  const shown = await field.inputValue()
  expect(shown).toMatch(RECOVERY_KEY_FORMAT)
  expect(await field.getAttribute('readonly')).not.toBeNull()
  await expect.poll(() => isFocused(field)).toBe(true)
  expect(await field.evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/mono/i)
  // All of it in view, not scrolled inside the field.
  expect(await field.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
  expect(await reveal.getByRole('button', { name: 'Print' }).isVisible()).toBe(true)

  const done = reveal.getByRole('button', { name: 'Done' })
  expect(await done.isDisabled()).toBe(true)
  await app.page.keyboard.press('Escape')
  await reveal
    .getByRole('alert')
    .getByText(/cannot be shown again/)
    .waitFor()
  expect(await reveal.isVisible()).toBe(true)

  await reveal.getByRole('button', { name: 'Copy the recovery key' }).click()
  await expect.poll(() => app.clipboard.text).toBe(shown)
  expect(sent(app, 'clipboard:copy').at(-1)).toEqual({ text: shown, secret: true })

  await reveal.getByRole('checkbox', { name: 'I have written it down' }).check()
  expect(await done.isDisabled()).toBe(false)
  await done.click()
  await expect.poll(() => app.page.getByRole('dialog').count()).toBe(0)
  // Shown once: gone from the page with the dialog.
  expect(await app.page.content()).not.toContain(shown)
  return shown
}

describe('the first start, without a recovery key', () => {
  let app: App

  beforeAll(async () => {
    app = await launchApp(tempDir('flowkeys-vault-first-'), { recoveryKey: false })
    // The smallest window the app supports: the whole key must still be readable.
    await app.page.setViewportSize({ width: 800, height: 600 })
  })

  afterAll(async () => {
    await app?.close()
  })

  it('offers a recovery key once; Later leaves a banner on the Vault page', async () => {
    const { page } = app
    const offer = page.getByRole('dialog', { name: 'Save your recovery key' })
    await offer.waitFor()
    expect(await offer.getByRole('button', { name: 'Show recovery key' }).isVisible()).toBe(true)
    await offer.getByRole('button', { name: 'Later' }).click()
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)
    expect(sent(app, 'vault:recovery-key')).toEqual([])
    expect(await hasRecoveryKey(app.core.store)).toBe(false)

    await nav(page, 'Vault')
    const banner = page.getByTestId('recovery-banner')
    await banner.waitFor()
    expect(await banner.textContent()).toContain('No recovery key yet')
    // Going around the app does not ask again in this run.
    await nav(page, 'API keys')
    await nav(page, 'Vault')
    await banner.waitFor()
    expect(await page.getByRole('dialog').count()).toBe(0)
    expect(sent(app, 'vault:status').length).toBeGreaterThan(1)
  })

  it('offers it again at the next start, and shows a key that opens the vault', async () => {
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
    await nav(page, 'Vault')
    await expect
      .poll(() => page.getByTestId('recovery-state').textContent())
      .toBe('This vault has a recovery key.')
    expect(await page.getByTestId('recovery-banner').count()).toBe(0)
  })
})

describe('the Vault page', () => {
  let app: App

  beforeAll(async () => {
    app = await launchApp(tempDir('flowkeys-vault-page-'))
  })

  afterAll(async () => {
    await app?.close()
  })

  // A step that failed with a dialog open must not block the next test's clicks.
  afterEach(async () => {
    for (let i = 0; i < 3 && (await app.page.locator('dialog[open]').count()) > 0; i++) {
      await app.page.keyboard.press('Escape')
    }
  })

  it('makes no offer when the store has a recovery key', async () => {
    await nav(app.page, 'Vault')
    await expect
      .poll(() => app.page.getByTestId('recovery-state').textContent())
      .toBe('This vault has a recovery key.')
    // Both the start's status and the page's were answered: an offer would be open by now.
    await expect.poll(() => sent(app, 'vault:status').length).toBeGreaterThan(1)
    expect(await app.page.getByRole('dialog').count()).toBe(0)
    expect(await app.page.getByTestId('recovery-banner').count()).toBe(0)
    expect(await app.page.getByTestId('vault-key-source').textContent()).toBe('Kept in the OS keychain.')
  })

  it('writes a backup where the save dialog says, after refusing a weak passphrase with its rule', async () => {
    const { page, core } = app
    await core.variables.create(core.desktopActor().id, { name: 'IN_THE_BACKUP', value: 'backed-up-7c1e' })
    await page.getByRole('button', { name: 'Back up…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Back up the vault' })
    const passphrase = dialog.getByLabel('Passphrase', { exact: true })
    const again = dialog.getByLabel('The same passphrase again')
    const save = dialog.getByRole('button', { name: 'Choose where to save…' })
    await expect.poll(() => isFocused(passphrase)).toBe(true)
    expect(await passphrase.getAttribute('type')).toBe('password')

    // Typed twice: a difference shows as it is typed, and nothing is sent.
    await passphrase.fill(PASSPHRASE)
    await again.fill(`${PASSPHRASE}x`)
    await dialog.getByTestId('passphrase-differs').waitFor()
    await save.click()
    await dialog.getByRole('alert').getByText('The two passphrases differ.').waitFor()
    expect(sent(app, 'vault:backup')).toEqual([])

    // A weak one: main's answer names the rule, and no save dialog was shown.
    const weak = 'short pass'
    await passphrase.fill(weak)
    await again.fill(weak)
    expect(await dialog.getByTestId('passphrase-differs').count()).toBe(0)
    await save.click()
    await dialog
      .getByRole('alert')
      .getByText(`${passphraseProblem(weak)} Nothing was written.`)
      .waitFor()
    expect(app.saveDialogs.count).toBe(0)

    // The save dialog cancelled: nothing written, the dialog stays.
    await passphrase.fill(PASSPHRASE)
    await again.fill(PASSPHRASE)
    app.backupPaths.push(null)
    await save.click()
    await dialog
      .getByRole('status')
      .getByText(/Nothing was saved/)
      .waitFor()
    expect(app.saveDialogs.count).toBe(1)

    await save.click()
    const summary = page.getByRole('dialog', { name: 'Backup saved' })
    const file = (await summary.getByTestId('backup-file').textContent()) ?? ''
    expect(app.saveDialogs.count).toBe(2)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const store = await core.store.exportAll()
    const text = (await summary.getByTestId('backup-summary').textContent()) ?? ''
    expect(text).toContain(`${store.users.length} user`)
    expect(text).toContain(`${store.api_keys.length} API key`)
    expect(text).toContain(`${store.variables.length} variable`)
    const backup = await openBackup(file, readFileSync(file), PASSPHRASE)
    expect(backup.vaultKey.equals(core.vault.exportMasterKey())).toBe(true)
    expect(backup.body.toString('utf8')).toContain('IN_THE_BACKUP')
    await summary.getByRole('button', { name: 'Done' }).click()
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)
    // The passphrase went to main only: no answer carried it.
    expect(JSON.stringify(app.exchanges.map((e) => e.result))).not.toContain(PASSPHRASE)
  })

  it('rotates the vault key after a confirmation, and a variable still shows', async () => {
    const { page, core } = app
    const actor = core.desktopActor()
    await core.variables.create(actor.id, { name: 'MODEL_NAME', value: 'gpt-rotated-4', type: 'Generic' })
    const { api_key } = await core.keys.create(actor, { name: 'before rotation' })
    const before = core.vault.id
    const rotate = page.getByRole('button', { name: 'Rotate the vault key…' })

    await rotate.click()
    const confirm = page.getByRole('alertdialog', { name: 'Rotate the vault key?' })
    const explanation = (await confirm.textContent()) ?? ''
    expect(explanation).toContain('sealed again under a new vault key')
    expect(explanation).toContain('API keys keep working')
    expect(explanation).toContain('session ends')
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    expect(core.vault.id).toBe(before)
    expect(sent(app, 'vault:rotate')).toEqual([])

    await rotate.click()
    await confirm.getByRole('button', { name: 'Rotate key' }).click()
    const variables = (await core.store.exportAll()).variables.length
    await page.getByText(`Sealed ${variables} variables and`).waitFor()
    expect(core.vault.id).not.toBe(before)
    expect(await core.keys.verify(api_key)).not.toBeNull()

    await nav(page, 'Global variables')
    const row = page.locator('tr[data-variable="MODEL_NAME"]')
    await row.getByRole('button', { name: 'Show the value of MODEL_NAME' }).click()
    await expect.poll(() => row.textContent()).toContain('gpt-rotated-4')
    expect((await core.variables.get(actor.id, 'IN_THE_BACKUP')).value).toBe('backed-up-7c1e')
  })

  it('makes a new recovery key after saying the previous one stops working', async () => {
    const { page, core } = app
    const previous = await makeRecoveryKey(core)
    await nav(page, 'Vault')
    await page.getByRole('button', { name: 'Make a new recovery key…' }).click()
    const confirm = page.getByRole('alertdialog', { name: 'Make a new recovery key?' })
    expect(await confirm.textContent()).toContain('previous recovery key stops working')
    await confirm.getByRole('button', { name: 'Make new key' }).click()
    const shown = await readAndConfirm(app)
    expect(shown).not.toBe(previous)
    expect(await opens(core, shown)).toBe(true)
    await expect(opens(core, previous)).rejects.toThrow(/earlier recovery key/)
  })
})
