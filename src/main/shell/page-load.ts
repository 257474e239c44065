// Loads the renderer into the window, and says so when it cannot: a message box offering to try again or to
// quit, instead of a hidden window and a line on stderr nobody reads.
import { dialog, type BrowserWindow } from 'electron'
import { oneLine } from '../base/errors'

/** Chromium's "aborted": the load was replaced by another navigation, which reports on its own. */
const ERR_ABORTED = /\bERR_ABORTED\b|\(-3\)/

export interface PageLoadOptions {
  /** Called when the user chose to quit rather than try again. */
  quit(): void
  warn(message: string): void
}

export async function loadPage(window: BrowserWindow, url: string, options: PageLoadOptions): Promise<void> {
  for (;;) {
    try {
      await window.loadURL(url)
      return
    } catch (error) {
      if (window.isDestroyed() || ERR_ABORTED.test(oneLine(error))) return
      options.warn(`FlowKeys: could not load the window: ${oneLine(error)}`)
      const { response } = await dialog.showMessageBox({
        type: 'error',
        title: 'FlowKeys',
        message: 'FlowKeys could not show its window.',
        detail: `${oneLine(error)}\n\nReinstalling FlowKeys may help if this happens again.`,
        buttons: ['Try again', 'Quit'],
        defaultId: 0,
        cancelId: 1,
        noLink: true
      })
      if (window.isDestroyed()) return
      if (response !== 0) {
        options.quit()
        return
      }
    }
  }
}
