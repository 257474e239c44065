// Puts the handler table (src/main/ipc/handlers.ts) on ipcMain, one `handle` per channel of the contract.
// Every message is checked for its sender before the handler (which then validates the payload) runs. Only
// types come from `electron`: src/main/index.ts passes ipcMain in, so this is testable in plain Node.
import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { CHANNELS, type Channel, type IpcResult } from '../../shared/ipc'
import type { HandlerTable } from '../ipc/handlers'
import { isTrustedSender } from './security'

export interface RegisterOptions {
  /** See isAllowedNavigation: the dev server origin, or app://flowkeys (the built renderer, ./app-protocol.ts). */
  readonly appOrigin: string
  readonly warn?: (message: string) => void
}

export const UNTRUSTED_SENDER: IpcResult<never> = Object.freeze({
  ok: false,
  error: Object.freeze({ kind: 'Forbidden', message: 'This request did not come from the FlowKeys window.' })
})

/** What the check reads from an IpcMainInvokeEvent. */
export interface SenderEvent {
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null
}

/** A top-level frame showing the app itself; never a subframe, another page, or a frame already gone. */
export function senderIsTrusted(event: SenderEvent, appOrigin: string): boolean {
  const frame = event.senderFrame
  if (!frame || frame.parent !== null) return false
  return isTrustedSender(frame.url, appOrigin)
}

/** Registers every channel; returns a function that removes them again. */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  table: HandlerTable,
  options: RegisterOptions
): () => void {
  const warn = options.warn ?? ((message: string) => console.warn(message))
  for (const channel of CHANNELS) {
    const handler = table[channel] as (payload: unknown) => Promise<unknown>
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown) => {
      if (!senderIsTrusted(event, options.appOrigin)) {
        warn(`FlowKeys: refused IPC ${channel} from an untrusted sender`)
        return UNTRUSTED_SENDER
      }
      return handler(payload)
    })
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel satisfies Channel)
  }
}
