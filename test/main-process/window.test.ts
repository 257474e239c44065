// The window, under a recording fake of Electron (not the real binary; see ./driver.ts): a maximized window is
// not shown before its page painted, and a page that fails to load is explained, with a retry or a quit.
import { describe, expect, it } from 'vitest'
import { appHome, launch, untilReady, within } from './scenario'

const FAILED = 'FlowKeys could not show its window.'

describe('the built main process showing its window (Node with a fake electron module)', () => {
  it('restores a maximized window only once its page has painted', async () => {
    const app = await launch(await appHome({ window: { width: 1000, height: 700, maximized: true } }))
    await untilReady(app)
    const [window] = (await app.snapshot()).windows
    expect(window).toMatchObject({ maximized: true, visible: true, shownBeforeReady: false })
  })

  it('says when the page cannot be loaded, and shows the window after "Try again"', async () => {
    const app = await launch(await appHome(), { failPageLoads: 1, dialogResponses: [0] })
    await untilReady(app)
    const { dialogs, windows } = await app.snapshot()
    expect(dialogs).toEqual([
      expect.objectContaining({
        kind: 'message',
        message: FAILED,
        detail: expect.stringContaining('ERR_FILE_NOT_FOUND'),
        buttons: ['Try again', 'Quit']
      })
    ])
    expect(windows[0]).toMatchObject({ visible: true, shownBeforeReady: false })
  })

  it('quits cleanly when the user chooses "Quit" after a failed load', async () => {
    const app = await launch(await appHome(), { failPageLoads: 1, dialogResponses: [1] })
    const exit = await within(app, app.exited, 10_000, 'the app quits')
    expect(exit.code).toBe(0)
    expect(app.output()).toContain('could not load the window: ERR_FILE_NOT_FOUND')
  })
})
