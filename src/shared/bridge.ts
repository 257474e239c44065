// The shape of window.flowkeys, built from the channel list: `flowkeys.<area>.<method>(payload)` for each
// `<area>:<method>` channel. Used by the preload (over ipcRenderer.invoke) and by the renderer tests (over a
// Playwright binding), so both expose exactly the same functions. Imports no zod at runtime: the sandboxed
// preload bundles this file.
import { CHANNELS, splitChannel, type Area, type Channel, type MethodOf } from './channels'
import type { IpcResult, RequestOf, ResponseOf } from './ipc'

export type ChannelFunction<C extends Channel> =
  undefined extends RequestOf<C>
    ? (payload?: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>
    : (payload: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>

export type FlowKeysApi = {
  readonly appVersion: string
} & {
  readonly [A in Area]: { readonly [M in MethodOf<A>]: ChannelFunction<`${A}:${M}` & Channel> }
}

/** Sends one request on one channel; the callers bind it to ipcRenderer.invoke or a test binding. */
export type Invoke = (channel: Channel, payload: unknown) => Promise<unknown>

/**
 * One frozen function per channel, each bound to its own channel name: the renderer can call them, but it
 * cannot name a channel itself, and it never sees `invoke`.
 */
export function buildFlowKeysApi(invoke: Invoke, appVersion: string): FlowKeysApi {
  const areas: Record<string, Record<string, (payload?: unknown) => Promise<unknown>>> = {}
  for (const channel of CHANNELS) {
    const [area, method] = splitChannel(channel)
    const functions = (areas[area] ??= {})
    functions[method] = (payload?: unknown) => invoke(channel, payload)
  }
  const api: Record<string, unknown> = { appVersion }
  for (const [area, functions] of Object.entries(areas)) api[area] = Object.freeze(functions)
  return Object.freeze(api) as FlowKeysApi
}
