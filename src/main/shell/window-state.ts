import type { BrowserWindow } from 'electron'
import type { AppPreferences } from './preferences'

/** Restores the maximized state now and saves the window's normal bounds when it closes. */
export function trackWindowBounds(window: BrowserWindow, preferences: AppPreferences): void {
  if (preferences.windowBounds().maximized) window.maximize()
  window.on('close', () => {
    preferences.saveWindowBounds(window.getNormalBounds(), window.isMaximized())
  })
}
