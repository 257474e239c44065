/// <reference lib="dom" />
// End-to-end: never losing the vault from the app (issue "Never lose a vault"): the Vault page's backup, rotation
// and new recovery key, in the built renderer over the real handler table and core (./harness.ts); the save dialog
// answers a temp path. The first-start offer of a recovery key is ./vault-first-start.test.ts.
import { readFileSync, statSync } from 'node:fs'
import { openBackup } from '../../src/main/recovery/backup-file'
import { passphraseProblem } from '../../src/main/recovery/passphrase'
import { makeRecoveryKey } from '../../src/main/recovery/recovery'
import { expect, sent, test } from './app-fixtures'
import { isFocused, opens, readAndConfirm } from './recovery-key'

test.use({ launch: { prefix: 'flowkeys-vault-page-' } })
// The tests go on from where the one before left the app: after a failure, the rest do not run.
test.describe.configure({ mode: 'serial' })

const PASSPHRASE = 'maple river quartz lantern'

test.describe('the Vault page', () => {
  test('makes no offer when the store has a recovery key', async ({ app, nav }) => {
    await nav('Vault')
    await expect
      .poll(() => app.page.getByTestId('recovery-state').textContent())
      .toBe('This vault has a recovery key.')
    // Both the start's status and the page's were answered: an offer would be open by now.
    await expect.poll(() => sent(app, 'vault:status').length).toBeGreaterThan(1)
    expect(await app.page.getByRole('dialog').count()).toBe(0)
    expect(await app.page.getByTestId('recovery-banner').count()).toBe(0)
    expect(await app.page.getByTestId('vault-key-source').textContent()).toBe('Kept in the OS keychain.')
  })

  test('writes a backup where the save dialog says, after refusing a weak passphrase with its rule', async ({
    app
  }) => {
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

  test('rotates the vault key after a confirmation, and a variable still shows', async ({ app, nav }) => {
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

    await nav('Global variables')
    const row = page.locator('tr[data-variable="MODEL_NAME"]')
    await row.getByRole('button', { name: 'Show the value of MODEL_NAME' }).click()
    await expect.poll(() => row.textContent()).toContain('gpt-rotated-4')
    expect((await core.variables.get(actor.id, 'IN_THE_BACKUP')).value).toBe('backed-up-7c1e')
  })

  test('makes a new recovery key after saying the previous one stops working', async ({ app, nav }) => {
    const { page, core } = app
    const previous = await makeRecoveryKey(core)
    await nav('Vault')
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
