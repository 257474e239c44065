/// <reference lib="dom" />
// End-to-end: the Users page's Edit dialog and password reset (Langflow's admin page), in the built renderer at
// 800×600, over the real handler table and core (./harness.ts). Each change is checked in the core itself.
import type { Locator, Page } from '@playwright/test'
import { expect, navigate, sent, test } from './app-fixtures'

const ADA_PASSWORD = 'ada first password'
const GRACE_PASSWORD = 'grace first password'
const NEW_PASSWORD = 'grace NEW password from-the-admin'

test.use({ launch: { prefix: 'flowkeys-users-' } })
// The tests go on from where the one before left the app: after a failure, the rest do not run.
test.describe.configure({ mode: 'serial' })

let adaId = ''

test.beforeAll(async ({ app }) => {
  // The smallest window the app supports: every row action must still be reachable.
  await app.page.setViewportSize({ width: 800, height: 600 })
  const actor = app.core.desktopActor()
  adaId = (await app.core.users.create(actor, { username: 'ada', password: ADA_PASSWORD })).id
  await app.core.users.create(actor, { username: 'grace', password: GRACE_PASSWORD })
  await navigate(app.page, 'Users')
  await row(app.page, 'grace').waitFor()
})

const row = (page: Page, username: string): Locator => page.locator(`tr[data-user="${username}"]`)
const dialog = (page: Page, name: string | RegExp): Locator => page.getByRole('dialog', { name })
const focusInside = (page: Page): Promise<string | null> =>
  page.evaluate(() => document.activeElement?.closest('dialog')?.getAttribute('aria-labelledby') ?? null)

test.describe('edit a user', () => {
  test('keeps every row action in view in an 800×600 window (the other columns scroll under them)', async ({
    app
  }) => {
    for (const name of ['Deactivate', 'Promote', 'Edit grace', 'Delete grace']) {
      const box = await row(app.page, 'grace').getByRole('button', { name }).boundingBox()
      expect(box, name).not.toBeNull()
      expect(box!.x + box!.width, name).toBeLessThanOrEqual(800)
    }
    const username = await row(app.page, 'grace').getByRole('cell').first().boundingBox()
    expect(username!.x).toBeGreaterThan(0)
  })

  test('opens prefilled, with Save disabled until something changes', async ({ app }) => {
    const { page } = app
    await row(page, 'ada').getByRole('button', { name: 'Edit ada' }).click()
    const edit = dialog(page, 'Edit ada')
    await edit.waitFor()
    expect(await focusInside(page)).not.toBeNull()
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
    expect(sent(app, 'users:update')).toEqual([])
  })

  test('saves a new username and both flags, shown in the table and stored in the core', async ({ app }) => {
    const { page } = app
    await row(page, 'ada').getByRole('button', { name: 'Edit ada' }).click()
    const edit = dialog(page, 'Edit ada')
    await edit.getByLabel('Username').fill('ada.lovelace')
    await edit.getByRole('checkbox', { name: /Active/ }).uncheck()
    await edit.getByRole('checkbox', { name: /Superuser/ }).check()
    await edit.getByRole('button', { name: 'Save' }).click()
    await page.getByText('ada.lovelace is saved.').waitFor()
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)

    const edited = row(page, 'ada.lovelace')
    await edited.waitFor()
    expect(await row(page, 'ada').count()).toBe(0)
    expect(await edited.getByRole('cell').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('ada.lovelace'), 'Superuser', 'Inactive'])
    )
    expect(await app.core.users.findByUsername('ada.lovelace')).toMatchObject({
      id: adaId,
      is_active: false,
      is_superuser: true
    })
    expect(sent(app, 'users:update')).toEqual([
      { id: adaId, username: 'ada.lovelace', is_active: false, is_superuser: true }
    ])
    // The row toggles still work on the edited user.
    await edited.getByRole('button', { name: 'Activate' }).click()
    await edited.getByText('Active', { exact: true }).waitFor()
    expect(await app.core.users.findByUsername('ada.lovelace')).toMatchObject({ is_active: true })
  })

  test("shows the core's refusal inside the dialog and keeps it open", async ({ app }) => {
    await row(app.page, 'ada.lovelace').getByRole('button', { name: 'Edit ada.lovelace' }).click()
    const edit = dialog(app.page, 'Edit ada.lovelace')
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

  test('does not let the desktop user rename, deactivate or demote itself', async ({ app }) => {
    await row(app.page, 'langflow').getByRole('button', { name: 'Edit langflow' }).click()
    const edit = dialog(app.page, 'Edit langflow')
    expect(await edit.getByLabel('Username').isDisabled()).toBe(true)
    expect(await edit.getByRole('checkbox', { name: /Active/ }).isDisabled()).toBe(true)
    expect(await edit.getByRole('checkbox', { name: /Superuser/ }).isDisabled()).toBe(true)
    expect(await edit.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true)
    await edit.getByRole('button', { name: 'Cancel' }).click()
  })
})

test.describe('reset a password', () => {
  const openReset = async (page: Page): Promise<Locator> => {
    const edit = dialog(page, 'Edit grace')
    if (!(await edit.isVisible()))
      await row(page, 'grace').getByRole('button', { name: 'Edit grace' }).click()
    await edit.getByRole('button', { name: 'Reset password for grace' }).click()
    const reset = dialog(page, 'Reset password for grace')
    await reset.waitFor()
    return reset
  }

  test('refuses a short password and two different ones before anything is sent', async ({ app }) => {
    const reset = await openReset(app.page)
    expect(await focusInside(app.page)).not.toBeNull()
    await reset.getByLabel('New password').fill('short')
    await reset.getByLabel('Confirm password').fill('short')
    await reset.getByRole('button', { name: 'Set password' }).click()
    await reset.getByRole('alert').getByText('Use at least 8 characters').waitFor()

    await reset.getByLabel('New password').fill(NEW_PASSWORD)
    await reset.getByLabel('Confirm password').fill(`${NEW_PASSWORD}!`)
    await reset.getByRole('button', { name: 'Set password' }).click()
    await reset.getByRole('alert').getByText('The passwords do not match.', { exact: false }).waitFor()
    expect(await reset.getByLabel('Confirm password').getAttribute('aria-invalid')).toBe('true')
    expect(sent(app, 'users:setPassword')).toEqual([])
    await reset.getByRole('button', { name: 'Cancel' }).click()
  })

  test('clears both password fields when the dialog closes', async ({ app }) => {
    const { page } = app
    let reset = await openReset(page)
    await reset.getByLabel('New password').fill(NEW_PASSWORD)
    await reset.getByLabel('Confirm password').fill(NEW_PASSWORD)
    // Escape closes the password dialog only; the edit dialog under it gets the focus back.
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog(page, 'Reset password for grace').count()).toBe(0)
    expect(await dialog(page, 'Edit grace').isVisible()).toBe(true)
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Reset password for grace'
    )
    reset = await openReset(page)
    expect(await reset.getByLabel('New password').inputValue()).toBe('')
    expect(await reset.getByLabel('Confirm password').inputValue()).toBe('')
    await reset.getByRole('button', { name: 'Cancel' }).click()
    await dialog(page, 'Edit grace').getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)
    expect(await page.content()).not.toContain(NEW_PASSWORD)
    expect(sent(app, 'users:setPassword')).toEqual([])
  })

  test('sets the new password: it signs in, the old one no longer does', async ({ app }) => {
    const { page, core } = app
    const reset = await openReset(page)
    await reset.getByLabel('New password').fill(NEW_PASSWORD)
    await reset.getByLabel('Confirm password').fill(NEW_PASSWORD)
    await reset.getByRole('button', { name: 'Set password' }).click()
    await page.getByText('The password of grace is changed.').waitFor()
    await expect.poll(() => dialog(page, 'Reset password for grace').count()).toBe(0)
    await dialog(page, 'Edit grace').getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)

    const grace = await core.users.findByUsername('grace')
    expect(sent(app, 'users:setPassword')).toEqual([{ id: grace?.id, password: NEW_PASSWORD }])
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
