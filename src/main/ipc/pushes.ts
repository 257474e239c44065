// Main → renderer pushes (src/shared/channels.ts EVENTS, payload schemas in src/shared/ipc.ts `events`): the window
// hears the key server's status, each request it answers and another process's change of the store as they
// happen, where it used to poll. This module must not import electron: the shell gives `pushService` the function
// that sends to the app's window (src/main/shell/push-send.ts), the renderer tests one that dispatches in the page.
import { watch, type FSWatcher } from 'node:fs'
import { basename, dirname } from 'node:path'
import type { AccessLog } from '../audit/access-log'
import { replacedWriteId } from '../store/data-file'
import { readWriteId } from '../store/store-json'
import type { StoreLocation } from '../store/backend'
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

export interface StoreWatchOptions {
  /** Events closer together than this are one change (an atomic write is several). */
  debounceMs?: number
  /** The write_id this process's write `writeId` replaced, undefined when not its own (default: data-file's). */
  replacedBy?: (file: string, writeId: string) => string | null | undefined
  warn?: (message: string) => void
}

export const STORE_WATCH_DEBOUNCE_MS = 100

/**
 * Calls `changed` when ANOTHER process replaced the JSON store file (the CLI, a `flowkeys serve`): the data folder
 * is watched for the store file's name, and the write_id at the head of the new file is followed back over the
 * ones this process wrote, so the app's own writes do not echo and do not hide another process's write just before
 * them. A hand edit (no write_id, or an older version copied back) counts as another process's change. Returns a
 * function that stops watching.
 */
export function watchStoreFile(
  file: string,
  changed: () => void,
  options: StoreWatchOptions = {}
): () => void {
  const debounceMs = options.debounceMs ?? STORE_WATCH_DEBOUNCE_MS
  const replacedBy = options.replacedBy ?? replacedWriteId
  const name = basename(file)
  /** The write_id of the version last looked at (at the start, or at the last change). */
  let seen = readWriteId(file)
  let timer: NodeJS.Timeout | undefined
  let watcher: FSWatcher | null = null

  const check = (): void => {
    timer = undefined
    const id = readWriteId(file)
    // Back from the head over this process's own writes: reaching the version last looked at means no other
    // process wrote in between (its write may sit under an own write that came within the debounce).
    let at = id
    for (let hops = 0; at !== null && at !== seen && hops < 64; hops++) {
      const replaced = replacedBy(file, at)
      if (replaced === undefined) break
      at = replaced
    }
    const before = seen
    seen = id
    if (id === null || at !== before) changed()
  }
  const schedule = (): void => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(check, debounceMs)
    timer.unref()
  }
  try {
    watcher = watch(dirname(file), { persistent: false }, (_type, filename) => {
      // Some platforms do not say which file: then any change in the folder is worth a look.
      if (filename === null || filename === name) schedule()
    })
    watcher.on('error', (err) => {
      options.warn?.(`FlowKeys: stopped watching ${file} for other processes' changes (${err.message})`)
      watcher?.close()
    })
  } catch (err) {
    options.warn?.(
      `FlowKeys: cannot watch ${file} for other processes' changes (${err instanceof Error ? err.message : String(err)})`
    )
  }
  return () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    watcher?.close()
    watcher = null
  }
}

export interface PushSources {
  accessLog: AccessLog
  store: { readonly location: StoreLocation }
}

/**
 * Wires the core's sources to `push`: the access log's requests (`access:entry`) and, for the JSON store, other
 * processes' writes (`store:changed`). A PostgreSQL store is not watched: nothing tells this process of another
 * server's writes to the database, so its lists change when the window loads them again (on opening a page).
 * `server:changed` comes from the key server's controller (observeServer in ./server-controller.ts). Returns a
 * function that stops every source.
 */
export function wirePushes(sources: PushSources, push: Push, options: StoreWatchOptions = {}): () => void {
  const stops = [pushAccessEntries(sources.accessLog, push)]
  if (sources.store.location.kind === 'file') {
    stops.push(
      watchStoreFile(sources.store.location.where, () => push('store:changed', { what: 'all' }), options)
    )
  }
  return () => {
    for (const stop of stops.splice(0)) stop()
  }
}
