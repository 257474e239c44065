// Main → renderer pushes (src/shared/channels.ts EVENTS, payload schemas in src/shared/ipc.ts `events`): the window
// hears the key server's status, each request it answers and another process's change of the store as they
// happen, where it used to poll. This module must not import electron: the shell gives `pushService` the function
// that sends to the app's window (src/main/shell/push-send.ts), the renderer tests one that dispatches in the page.
import type { AccessLog } from '../audit/access-log'
import type { Store, StoreWatchOptions } from '../store/backend'
import {
  describeIssues,
  events,
  type EventInputOf,
  type EventName,
  type EventPayloadOf
} from '../../shared/ipc'
import { accessEntryView } from './server-controller'

/** Sends one push to the window. */
export type Push = <E extends EventName>(event: E, payload: EventInputOf<E>) => void
/** Delivers a validated push (webContents.send in the app). */
export type SendPush = <E extends EventName>(event: E, payload: EventPayloadOf<E>) => void

/**
 * The push service: every payload is parsed through its event's schema before `send` sees it (which also strips
 * any field the schema does not list, as responses are parsed); an invalid payload is not sent, but logged
 * (event name and the rule it broke, never the value). A failing `send` (a window gone) is logged too.
 */
export function pushService(send: SendPush, log: (message: string) => void = console.error): Push {
  return (event, payload) => {
    const parsed = events[event].safeParse(payload)
    if (!parsed.success) {
      log(`FlowKeys: dropped an invalid ${event} push: ${describeIssues(parsed.error)}`)
      return
    }
    try {
      send(event, parsed.data as EventPayloadOf<typeof event>)
    } catch (err) {
      log(`FlowKeys: could not send the ${event} push: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
}

/** Each key server request the access log records, as an `access:entry` push. Returns a function that stops. */
export function pushAccessEntries(accessLog: AccessLog, push: Push): () => void {
  return accessLog.onEntry((entry) => {
    if (entry.kind === 'request') push('access:entry', accessEntryView(entry))
  })
}

export interface PushSources {
  accessLog: AccessLog
  store: Pick<Store, 'watchOthers'>
}

/**
 * Wires the core's sources to `push`: the access log's requests (`access:entry`) and other processes' (or, on
 * PostgreSQL, other servers') writes to the store (`store:changed`). `server:changed` comes from the key server's
 * controller (observeServer in ./server-controller.ts). Returns a function that stops every source.
 */
export function wirePushes(sources: PushSources, push: Push, options: StoreWatchOptions = {}): () => void {
  const stops = [
    pushAccessEntries(sources.accessLog, push),
    sources.store.watchOthers(() => push('store:changed', { what: 'all' }), options)
  ]
  return () => {
    for (const stop of stops.splice(0)) stop()
  }
}
