// Sends main's pushes (src/main/ipc/pushes.ts) to the app's window, and to nothing else: only windows the shell
// made for the app (tracked here), still alive, and still showing the app's own origin. All pushes travel on one
// channel (PUSH_CHANNEL) as `(event, payload)`; the preload hands each listener the payload. Only types come
// from `electron`, so this is testable in plain Node.
import type { BrowserWindow } from 'electron'
import { PUSH_CHANNEL, type EventName } from '../../shared/channels'
import { isTrustedSender } from './security'

/** What the sender uses of a BrowserWindow. */
export type PushWindow = Pick<BrowserWindow, 'isDestroyed' | 'once'> & {
  readonly webContents: Pick<BrowserWindow['webContents'], 'send' | 'getURL' | 'isDestroyed'>
}

export interface WindowPushes {
  /** The app's window: it receives the pushes until it closes. */
  track(window: PushWindow): void
  /** Sends one (already validated) push to the app's window(s) showing the app. */
  send(event: EventName, payload: unknown): void
}

export function windowPushes(appOrigin: string): WindowPushes {
  const windows = new Set<PushWindow>()
  return {
    track(window) {
      windows.add(window)
      window.once('closed', () => windows.delete(window))
    },
    send(event, payload) {
      for (const window of windows) {
        if (window.isDestroyed() || window.webContents.isDestroyed()) continue
        if (!isTrustedSender(window.webContents.getURL(), appOrigin)) continue
        window.webContents.send(PUSH_CHANNEL, event, payload)
      }
    }
  }
}
