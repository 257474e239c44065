// The shape of window.flowkeys, built from the channel list: `flowkeys.<area>.<method>(payload)` for each
// `<area>:<method>` channel. Used by the preload (over ipcRenderer.invoke) and by the renderer tests (over a
// Playwright binding), so both expose exactly the same functions. Imports no zod at runtime: the sandboxed
// preload bundles this file. `flowkeys.on(event, listener)` subscribes to main's pushes (./channels EVENTS).
import {
  CHANNELS,
  isEvent,
  splitChannel,
  type Area,
  type Channel,
  type EventName,
  type MethodOf
} from './channels'
import type { EventPayloadOf, IpcResult, RequestOf, ResponseOf } from './ipc'

export type ChannelFunction<C extends Channel> =
  undefined extends RequestOf<C>
    ? (payload?: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>
    : (payload: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>

/** Subscribes to one push; the listener gets the payload only. Returns a function that unsubscribes. */
export type Subscribe = <E extends EventName>(
  event: E,
  listener: (payload: EventPayloadOf<E>) => void
) => () => void

export type FlowKeysApi = {
  readonly appVersion: string
  readonly on: Subscribe
} & {
  readonly [A in Area]: { readonly [M in MethodOf<A>]: ChannelFunction<`${A}:${M}` & Channel> }
}

/** Sends one request on one channel; the callers bind it to ipcRenderer.invoke or a test binding. */
export type Invoke = (channel: Channel, payload: unknown) => Promise<unknown>

/**
 * One frozen function per channel, each bound to its own channel name: the renderer can call them, but it
 * cannot name a channel itself, and it never sees `invoke`.
 */
export function buildFlowKeysApi(invoke: Invoke, appVersion: string, on: Subscribe): FlowKeysApi {
  const areas: Record<string, Record<string, (payload?: unknown) => Promise<unknown>>> = {}
  for (const channel of CHANNELS) {
    const [area, method] = splitChannel(channel)
    const functions = (areas[area] ??= {})
    functions[method] = (payload?: unknown) => invoke(channel, payload)
  }
  const api: Record<string, unknown> = { appVersion, on }
  for (const [area, functions] of Object.entries(areas)) api[area] = Object.freeze(functions)
  return Object.freeze(api) as FlowKeysApi
}

export interface EventHub {
  /** What window.flowkeys.on is: refuses an unknown event name (throws), never hands out the IPC event. */
  readonly on: Subscribe
  /** Hands one push from the push channel to its listeners; an unknown name is ignored. */
  dispatch(event: unknown, payload: unknown): void
}

/**
 * The listeners of the pushes, behind the one push channel (ipcRenderer.on in the preload, a page-side dispatcher
 * in the renderer tests). A listener that throws does not keep the others from hearing the push.
 */
export function eventHub(): EventHub {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const on: Subscribe = (event, listener) => {
    if (!isEvent(event)) throw new TypeError(`Unknown FlowKeys event: ${String(event)}`)
    if (typeof listener !== 'function') throw new TypeError('A FlowKeys event listener must be a function')
    const own = (payload: unknown): void => listener(payload as never)
    const subscribed = listeners.get(event) ?? new Set()
    listeners.set(event, subscribed)
    subscribed.add(own)
    return () => {
      subscribed.delete(own)
    }
  }
  const dispatch = (event: unknown, payload: unknown): void => {
    if (!isEvent(event)) return
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(payload)
      } catch (err) {
        console.error(err)
      }
    }
  }
  return Object.freeze({ on, dispatch })
}
