/// <reference lib="dom" />
// End-to-end: a toast re-renders the toasts, not the page (issue 22: zustand selectors everywhere). The built
// renderer runs React's production build, which reports every commit to a React DevTools hook when the page has
// one (`__REACT_DEVTOOLS_GLOBAL_HOOK__`, as the DevTools extension defines it). The test defines one before the
// app loads (an init script, then a reload) that counts, per commit, the components React rendered under the
// page's <main> and elsewhere. Nothing in the app is built for the test. Over a real core (./harness.ts).
import { expect, test, type App } from './app-fixtures'

test.use({ launch: { prefix: 'flowkeys-renders-' } })
// The tests go on from where the one before left the app: after a failure, the rest do not run.
test.describe.configure({ mode: 'serial' })

const MODEL = 'gpt-4o-renders'

/** How long a toast stays (TOAST_MS in the renderer's ui store), and some slack. */
const TOAST_GONE_MS = 4_000 + 2_000

interface Renders {
  commits: number
  /** Components rendered under <main>: the page and all inside it. */
  page: number
  /** Components rendered elsewhere (the sidebar, the toasts). */
  outside: number
}

/**
 * The hook, as plain JavaScript (it runs in the page before the app). A component rendered in a commit when
 * its fiber is new or carries React's PerformedWork flag (1); a subtree whose child list is the one of the
 * previous commit was not visited (the same walk React DevTools makes to highlight updates).
 */
const RENDER_COUNTER = `(() => {
  const FUNCTION_LIKE = new Set([0, 1, 11, 14, 15]) // function, class, forwardRef, memo, simple memo
  const counts = { commits: 0, page: 0, outside: 0 }
  const visit = (fiber, inMain) => {
    const inside = inMain || (fiber.tag === 5 && fiber.type === 'main')
    if (FUNCTION_LIKE.has(fiber.tag) && (fiber.alternate === null || (fiber.flags & 1) === 1)) {
      if (inside) counts.page++
      else counts.outside++
    }
    if (fiber.alternate !== null && fiber.child === fiber.alternate.child) return
    for (let child = fiber.child; child !== null; child = child.sibling) visit(child, inside)
  }
  window.__flowkeysRenders = counts
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject(internals) {
      this.renderers.set(1, internals)
      return 1
    },
    onCommitFiberRoot(_id, root) {
      counts.commits++
      visit(root.current, false)
    }
  }
})()`

test.beforeAll(async ({ app }) => {
  await app.core.variables.create(app.core.desktopActor().id, {
    name: 'MODEL_NAME',
    value: MODEL,
    type: 'Generic',
    default_fields: []
  })
  await app.page.addInitScript({ content: RENDER_COUNTER })
  await app.page.reload()
  await app.page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor()
})

const renders = (app: App): Promise<Renders> =>
  app.page.evaluate(() => ({ ...(window as unknown as { __flowkeysRenders: Renders }).__flowkeysRenders }))
const resetRenders = (app: App): Promise<void> =>
  app.page.evaluate(() => {
    const counts = (window as unknown as { __flowkeysRenders: Renders }).__flowkeysRenders
    counts.commits = counts.page = counts.outside = 0
  })
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

test.describe('a toast', () => {
  test('is seen by the counter: the app has committed, and a search re-renders the page', async ({ app }) => {
    const { page } = app
    expect((await renders(app)).commits).toBeGreaterThan(0)
    await page.getByRole('navigation').getByRole('button', { name: 'Global variables' }).click()
    await page.locator('tr[data-variable="MODEL_NAME"]').waitFor()
    await sleep(300)
    await resetRenders(app)
    await page.getByLabel('Search variables by name').fill('MODEL')
    await expect.poll(async () => (await renders(app)).page).toBeGreaterThan(0)
    await page.getByLabel('Search variables by name').fill('')
  })

  test('re-renders nothing in the page while it appears and goes away by itself', async ({ app }) => {
    const { page } = app
    await sleep(300) // The search's last render is over.
    await resetRenders(app)
    await page.getByRole('button', { name: 'Copy the value of MODEL_NAME' }).click()
    const toast = page.getByTestId('toasts').getByText('Copied. The clipboard is cleared in 30 s.')
    await toast.waitFor()
    await toast.waitFor({ state: 'detached', timeout: TOAST_GONE_MS })
    expect(app.clipboard.text).toBe(MODEL)
    const seen = await renders(app)
    expect(seen.outside).toBeGreaterThanOrEqual(2) // The toasts, once to show it and once to take it away.
    expect(seen.page).toBe(0)
  })

  test('re-renders nothing in the page when it is dismissed', async ({ app }) => {
    const { page } = app
    await page.getByRole('button', { name: 'Copy the value of MODEL_NAME' }).click()
    const toast = page.getByTestId('toasts').getByText('Copied. The clipboard is cleared in 30 s.')
    await toast.waitFor()
    await sleep(100)
    await resetRenders(app)
    await page.getByTestId('toasts').getByRole('button', { name: 'Dismiss' }).click()
    await toast.waitFor({ state: 'detached' })
    const seen = await renders(app)
    expect(seen.outside).toBeGreaterThanOrEqual(1)
    expect(seen.page).toBe(0)
  })
})
