/// <reference lib="dom" />
// Accessibility (issue 22): axe-core scans each page, in the light and the dark theme, with rows of each kind
// (active, expired and inactive badges) and with the page's main dialog open. No serious or critical violation may remain.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from '@playwright/test'
import { expect, test } from './app-fixtures'

interface Violation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

test.use({ launch: { prefix: 'flowkeys-a11y-' } })

test.beforeAll(async ({ app }) => {
  await app.page.setViewportSize({ width: 800, height: 600 })
  // Badges and rows too, not only empty states: a key (active), an expired one, a variable of each type.
  const owner = app.core.superuser()
  await app.core.keys.create(owner, { name: 'ci' })
  await app.core.keys.create(owner, { name: 'old', expires_at: new Date(Date.now() + 1500).toISOString() })
  await app.core.variables.create(owner.id, { name: 'OPENAI_API_KEY', value: 'sk-a11y', type: 'Credential' })
  await app.core.variables.create(owner.id, { name: 'MODEL', value: 'gpt-4o', type: 'Generic' })
  await app.core.users.create(owner, { username: 'ada', password: 'ada-password-1', is_active: false })
  await new Promise((r) => setTimeout(r, 1600))
  await app.page.reload()
})

/** Serious and critical violations on the page as it is now (axe's WCAG 2 A and AA rules and best practices). */
async function violations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, not a <script>: the app's CSP is left as it is.
  await page.evaluate(AXE_SOURCE)
  const found = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<unknown> } })
      .axe
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations']
    })) as { violations: Violation[] }
    return result.violations
  })) as Violation[]
  return (
    found
      // A skipped heading level is only "moderate" to axe, but screen-reader users navigate by headings.
      .filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'heading-order')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  )
}

const PAGES: { nav: string; dialog?: string }[] = [
  { nav: 'API keys', dialog: 'Create key' },
  { nav: 'Global variables', dialog: 'New variable' },
  { nav: 'Import .env' },
  { nav: 'Key server' },
  { nav: 'Users', dialog: 'Add user' },
  { nav: 'Vault', dialog: 'Back up…' }
]

const LAYOUTS = [
  { theme: 'light', width: 800, height: 600 },
  { theme: 'dark', width: 800, height: 600 },
  // The wide layout shows what the narrow one folds away (the sidebar's labels and footer).
  { theme: 'light', width: 1280, height: 800 },
  { theme: 'dark', width: 1280, height: 800 }
] as const

test.describe('no serious or critical axe violation', () => {
  for (const { theme, width, height } of LAYOUTS) {
    for (const { nav: section, dialog } of PAGES) {
      test(`${section}, ${theme} theme, ${width}×${height}${dialog ? `, and with "${dialog}" open` : ''}`, async ({
        app: { page },
        nav
      }) => {
        await page.setViewportSize({ width, height })
        await page.emulateMedia({ colorScheme: theme })
        await nav(section)
        await page.getByRole('heading', { level: 1 }).first().waitFor()
        expect(await violations(page)).toEqual([])
        if (!dialog) return
        await page.getByRole('main').getByRole('button', { name: dialog }).first().click()
        await page.locator('dialog[open]').waitFor()
        expect(await violations(page)).toEqual([])
        await page.keyboard.press('Escape')
        await page.locator('dialog[open]').waitFor({ state: 'detached' })
      })
    }
  }
})
