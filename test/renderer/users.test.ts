/// <reference lib="dom" />
// End-to-end: the Users page's Edit dialog and password reset (Langflow's admin page), in the built renderer at
// 800×600, over the real handler table and core (./harness.ts). Each change is checked in the core itself.
import type { Locator } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp'
import { launchApp, type App } from './harness'

const ADA_PASSWORD = 'ada first password'
const GRACE_PASSWORD = 'grace first password'
const NEW_PASSWORD = 'grace NEW password from-the-admin'

let app: App
let adaId = ''

beforeAll(async () => {
  app = await launchApp(tempDir('flowkeys-users-'))
  // The smallest window the app supports: every row action must still be reachable.
  await app.page.setViewportSize({ width: 800, height: 600 })
  const actor = app.core.desktopActor()
  adaId = (await app.core.users.create(actor, { username: 'ada', password: ADA_PASSWORD })).id
  await app.core.users.create(actor, { username: 'grace', password: GRACE_PASSWORD })
  await app.page.getByRole('navigation').getByRole('button', { name: 'Users' }).click()
  await row('grace').waitFor()
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

const row = (username: string): Locator => app.page.locator(`tr[data-user="${username}"]`)
const dialog = (name: string | RegExp): Locator => app.page.getByRole('dialog', { name })
const sent = (channel: string): unknown[] =>
  app.exchanges.filter((e) => e.channel === channel).map((e) => e.payload)
const focusInside = (): Promise<string | null> =>
  app.page.evaluate(() => document.activeElement?.closest('dialog')?.getAttribute('aria-labelledby') ?? null)

describe('edit a user', () => {
  it('keeps every row action in view in an 800×600 window (the other columns scroll under them)', async () => {
    for (const name of ['Deactivate', 'Promote', 'Edit grace', 'Delete grace']) {
      const box = await row('grace').getByRole('button', { name }).boundingBox()
      expect(box, name).not.toBeNull()
      expect(box!.x + box!.width, name).toBeLessThanOrEqual(800)
    }
    const username = await row('grace').getByRole('cell').first().boundingBox()
    expect(username!.x).toBeGreaterThan(0)
  })

  it('opens prefilled, with Save disabled until something changes', async () => {
    const { page } = app
    await row('ada').getByRole('button', { name: 'Edit ada' }).click()
    const edit = dialog('Edit ada')
    await edit.waitFor()
    expect(await focusInside()).not.toBeNull()
    const username = edit.getByLabel('Username')
    expect(await username.inputValue()).toBe('ada')
    expect(await edit.getByRole('checkbox', { name: /Active/ }).isChecked()).toBe(true)
    expect(await edit.getByRole('checkbox', { name: /Superuser/ }).isChecked()).toBe(false)
    const save = edit.getByRole('button', { name: 'Save' })
    expect(await save.isDisabled()).toBe(true)
    await username.fill('ada2')
    expect(await save.isEnabled()).toBe(true)
    await username.fill(' ada ') // the same name once trimmed: nothing to save
    expect(await save.isDisabled()).toBe(true)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)
    expect(sent('users:update')).toEqual([])
  })

  it('saves a new username and both flags, shown in the table and stored in the core', async () => {
    const { page } = app
    await row('ada').getByRole('button', { name: 'Edit ada' }).click()
    const edit = dialog('Edit ada')
    await edit.getByLabel('Username').fill('ada.lovelace')
    await edit.getByRole('checkbox', { name: /Active/ }).uncheck()
    await edit.getByRole('checkbox', { name: /Superuser/ }).check()
    await edit.getByRole('button', { name: 'Save' }).click()
    await page.getByText('ada.lovelace is saved.').waitFor()
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)

    const edited = row('ada.lovelace')
    await edited.waitFor()
    expect(await row('ada').count()).toBe(0)
    expect(await edited.getByRole('cell').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('ada.lovelace'), 'Superuser', 'Inactive'])
    )
    expect(await app.core.users.findByUsername('ada.lovelace')).toMatchObject({
      id: adaId,
      is_active: false,
      is_superuser: true
    })
    expect(sent('users:update')).toEqual([
      { id: adaId, username: 'ada.lovelace', is_active: false, is_superuser: true }
    ])
    // The row toggles still work on the edited user.
    await edited.getByRole('button', { name: 'Activate' }).click()
    await edited.getByText('Active', { exact: true }).waitFor()
    expect(await app.core.users.findByUsername('ada.lovelace')).toMatchObject({ is_active: true })
  })

  it("shows the core's refusal inside the dialog and keeps it open", async () => {
    await row('ada.lovelace').getByRole('button', { name: 'Edit ada.lovelace' }).click()
    const edit = dialog('Edit ada.lovelace')
    await edit.getByLabel('Username').fill('grace')
    await edit.getByRole('button', { name: 'Save' }).click()
    await edit.getByRole('alert').getByText('This username is unavailable.').waitFor()
    expect(await edit.isVisible()).toBe(true)
    await edit.getByLabel('Username').fill('')
    await edit.getByRole('button', { name: 'Save' }).click()
    await edit.getByRole('alert').getByText('Username cannot be empty').waitFor()
    await edit.getByRole('button', { name: 'Cancel' }).click()
    expect(await app.core.users.findByUsername('ada.lovelace')).toMatchObject({ id: adaId })
  })

  it('does not let the desktop user rename, deactivate or demote itself', async () => {
    await row('langflow').getByRole('button', { name: 'Edit langflow' }).click()
    const edit = dialog('Edit langflow')
    expect(await edit.getByLabel('Username').isDisabled()).toBe(true)
    expect(await edit.getByRole('checkbox', { name: /Active/ }).isDisabled()).toBe(true)
    expect(await edit.getByRole('checkbox', { name: /Superuser/ }).isDisabled()).toBe(true)
    expect(await edit.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true)
    await edit.getByRole('button', { name: 'Cancel' }).click()
  })
})

describe('reset a password', () => {
  const openReset = async (): Promise<Locator> => {
    const edit = dialog('Edit grace')
    if (!(await edit.isVisible())) await row('grace').getByRole('button', { name: 'Edit grace' }).click()
    await edit.getByRole('button', { name: 'Reset password for grace' }).click()
    const reset = dialog('Reset password for grace')
    await reset.waitFor()
    return reset
  }

  it('refuses a short password and two different ones before anything is sent', async () => {
    const reset = await openReset()
    expect(await focusInside()).not.toBeNull()
    await reset.getByLabel('New password').fill('short')
    await reset.getByLabel('Confirm password').fill('short')
    await reset.getByRole('button', { name: 'Set password' }).click()
    await reset.getByRole('alert').getByText('Use at least 8 characters').waitFor()

    await reset.getByLabel('New password').fill(NEW_PASSWORD)
    await reset.getByLabel('Confirm password').fill(`${NEW_PASSWORD}!`)
    await reset.getByRole('button', { name: 'Set password' }).click()
    await reset.getByRole('alert').getByText('The passwords do not match.', { exact: false }).waitFor()
    expect(await reset.getByLabel('Confirm password').getAttribute('aria-invalid')).toBe('true')
    expect(sent('users:setPassword')).toEqual([])
    await reset.getByRole('button', { name: 'Cancel' }).click()
  })

  it('clears both password fields when the dialog closes', async () => {
    const { page } = app
    let reset = await openReset()
    await reset.getByLabel('New password').fill(NEW_PASSWORD)
    await reset.getByLabel('Confirm password').fill(NEW_PASSWORD)
    // Escape closes the password dialog only; the edit dialog under it gets the focus back.
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog('Reset password for grace').count()).toBe(0)
    expect(await dialog('Edit grace').isVisible()).toBe(true)
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Reset password for grace'
    )
    reset = await openReset()
    expect(await reset.getByLabel('New password').inputValue()).toBe('')
    expect(await reset.getByLabel('Confirm password').inputValue()).toBe('')
    await reset.getByRole('button', { name: 'Cancel' }).click()
    await dialog('Edit grace').getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)
    expect(await page.content()).not.toContain(NEW_PASSWORD)
    expect(sent('users:setPassword')).toEqual([])
  })

  it('sets the new password: it signs in, the old one no longer does', async () => {
    const { page, core } = app
    const reset = await openReset()
    await reset.getByLabel('New password').fill(NEW_PASSWORD)
    await reset.getByLabel('Confirm password').fill(NEW_PASSWORD)
    await reset.getByRole('button', { name: 'Set password' }).click()
    await page.getByText('The password of grace is changed.').waitFor()
    await expect.poll(() => dialog('Reset password for grace').count()).toBe(0)
    await dialog('Edit grace').getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)

    const grace = await core.users.findByUsername('grace')
    expect(sent('users:setPassword')).toEqual([{ id: grace?.id, password: NEW_PASSWORD }])
    expect(await core.users.checkCredentials('grace', NEW_PASSWORD)).toMatchObject({ id: grace?.id })
    await expect(core.users.checkCredentials('grace', GRACE_PASSWORD)).rejects.toThrow(
      'Incorrect username or password'
    )
    // The password went to main once, and never came back to the page.
    const results = JSON.stringify(app.exchanges.map((e) => e.result))
    expect(results).not.toContain(NEW_PASSWORD)
    expect(results).not.toContain('scrypt$')
    expect(await page.content()).not.toContain(NEW_PASSWORD)
  })
})
