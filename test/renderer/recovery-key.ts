/// <reference lib="dom" />
// The recovery key as the app shows it, for the vault's end-to-end tests: ./vault.test.ts and
// ./vault-first-start.test.ts.
import type { Locator } from '@playwright/test'
import type { Core } from '../../src/main/core/open'
import { openWithRecovery, parseRecoveryKey } from '../../src/main/vault/recovery-key'
import { expect, sent, type App } from './app-fixtures'

// Crockford's base32 (no I, L, O, U), 8 groups of 5.
const RECOVERY_KEY_FORMAT = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){7}$/

export const isFocused = (locator: Locator): Promise<boolean> =>
  locator.evaluate((el) => el === document.activeElement)

/** The master key a recovery key opens from the store's envelope (throws when it does not open it). */
export async function opens(core: Core, recoveryKey: string): Promise<boolean> {
  const envelope = (await core.store.vaultMeta()).vault_recovery
  if (!envelope) return false
  return openWithRecovery(parseRecoveryKey(recoveryKey), envelope).equals(core.vault.exportMasterKey())
}

/**
 * The one-time reveal: the key in a focused read-only field, Copy and Print, and Done disabled until "I have
 * written it down" is ticked (Escape does not close it before). Closes it and answers the key shown.
 */
export async function readAndConfirm(app: App): Promise<string> {
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
