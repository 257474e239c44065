import type { BrowserWindow } from 'electron'
import type { AppPreferences } from './preferences'

/** Saves the window's normal bounds and maximized state when it closes. */
export function trackWindowBounds(window: BrowserWindow, preferences: AppPreferences): void {
  window.on('close', () => {
    preferences.saveWindowBounds(window.getNormalBounds(), window.isMaximized())
  })
}

/**
 * Shows the window once its page has painted, maximized if it was. maximize() shows a hidden window at once,
 * so calling it any earlier would show a blank window until the page is ready.
 */
export function showWhenReady(window: BrowserWindow, maximized: boolean): void {
  window.once('ready-to-show', () => {
    if (maximized) window.maximize()
    window.show()
  })
}
