import { create } from 'zustand'
import type {
  AccessLogEntry,
  AppSettings,
  RequestOf,
  ServerProblem,
  ServerStatus,
  StoreLocationView,
  UpstreamView
} from '@shared/ipc'
import { api, call, messageOf } from '@renderer/lib/ipc'

interface ServerState {
  status: ServerStatus | null
  settings: AppSettings | null
  /** Which store the core uses (it does not change while the app runs). */
  store: StoreLocationView | null
  log: AccessLogEntry[]
  /** The server's errors and warnings, newest first (also in server.log in the data folder). */
  problems: ServerProblem[]
  busy: boolean
  error: string | null
  /** The upstream Langflow with its masked key and last probe; null when none is set. */
  upstream: UpstreamView | null
  /** False until the first answer (or failure) of upstream:show. */
  upstreamLoaded: boolean
  /** A probe is under way (it may take a few seconds when the upstream does not answer). */
  upstreamChecking: boolean
  /** Why the upstream could not be shown (e.g. a broken FLOWKEYS_UPSTREAM_URL). */
  upstreamError: string | null
  /** Everything the Server page shows: on opening it (the log is fetched once, then grows from pushes). */
  load(): Promise<void>
  /** Status, log and problems again: the page's refresh button (nothing polls). */
  refresh(): Promise<void>
  /** The status alone: once when the window opens; then the `server:changed` pushes keep it current. */
  loadStatus(): Promise<void>
  /** A `server:changed` push. */
  applyStatus(status: ServerStatus): void
  /** An `access:entry` push: prepended to the log (applied in small batches, capped as the fetch is). */
  addEntry(entry: AccessLogEntry): void
  start(): Promise<void>
  stop(): Promise<void>
  saveSettings(patch: RequestOf<'app:updateSettings'>): Promise<void>
  /** Shows and probes the upstream: on the page's load and on demand, never pushed. */
  loadUpstream(): Promise<void>
  /** Saves the upstream; throws (for the dialog) when refused. The key is not kept here. */
  setUpstream(input: RequestOf<'upstream:set'>): Promise<UpstreamView>
  /** Forgets the saved upstream; false when none was saved. */
  clearUpstream(): Promise<boolean>
}

const PROBLEMS_SHOWN = 20
/** How many requests the log shows: the fetch's limit, and the cap of the pushed entries. */
const LOG_SHOWN = 100
/** Pushed entries are applied together after this delay, so a burst of requests is one render. */
const ENTRY_BATCH_MS = 50

/**
 * Pushed entries not yet in the log, oldest first. A fetched log already holds every entry pushed before its
 * answer (main sends both in order), so a fetch's answer drops what is waiting here.
 */
let pendingEntries: AccessLogEntry[] = []
let entryTimer: ReturnType<typeof setTimeout> | undefined

function takeFetchedLog(log: AccessLogEntry[]): AccessLogEntry[] {
  pendingEntries = []
  return log
}

export const useServer = create<ServerState>()((set, get) => ({
  status: null,
  settings: null,
  store: null,
  log: [],
  problems: [],
  busy: false,
  error: null,
  upstream: null,
  upstreamLoaded: false,
  upstreamChecking: false,
  upstreamError: null,
  async load() {
    try {
      const [status, settings, store, log, problems] = await Promise.all([
        call(api().server.status()),
        call(api().app.settings()),
        call(api().app.store()),
        call(api().server.accessLog({ limit: LOG_SHOWN })),
        call(api().server.errors({ limit: PROBLEMS_SHOWN }))
      ])
      set({ status, settings, store, log: takeFetchedLog(log), problems, error: null })
    } catch (error) {
      set({ error: messageOf(error) })
    }
  },
  async refresh() {
    try {
      const [status, log, problems] = await Promise.all([
        call(api().server.status()),
        call(api().server.accessLog({ limit: LOG_SHOWN })),
        call(api().server.errors({ limit: PROBLEMS_SHOWN }))
      ])
      set({ status, log: takeFetchedLog(log), problems })
    } catch (error) {
      set({ error: messageOf(error) })
    }
  },
  async loadStatus() {
    try {
      set({ status: await call(api().server.status()) })
    } catch (error) {
      set({ error: messageOf(error) })
    }
  },
  applyStatus(status) {
    set({ status })
    // A start or stop may have logged a problem (the port is taken…): the list follows the status.
    if (get().settings !== null) {
      void call(api().server.errors({ limit: PROBLEMS_SHOWN }))
        .then((problems) => set({ problems }))
        .catch(() => undefined)
    }
  },
  addEntry(entry) {
    pendingEntries.push(entry)
    if (pendingEntries.length > LOG_SHOWN) pendingEntries.splice(0, pendingEntries.length - LOG_SHOWN)
    entryTimer ??= setTimeout(() => {
      entryTimer = undefined
      const added = pendingEntries.reverse()
      pendingEntries = []
      if (added.length > 0) set({ log: [...added, ...get().log].slice(0, LOG_SHOWN) })
    }, ENTRY_BATCH_MS)
  },
  async start() {
    set({ busy: true, error: null })
    try {
      const status = await call(api().server.start())
      set({ status, error: status.lastError ? `The server did not start: ${status.lastError}` : null })
    } catch (error) {
      set({ error: messageOf(error) })
    } finally {
      set({ busy: false })
    }
  },
  async stop() {
    set({ busy: true, error: null })
    try {
      set({ status: await call(api().server.stop()) })
    } catch (error) {
      set({ error: messageOf(error) })
    } finally {
      set({ busy: false })
    }
  },
  async saveSettings(patch) {
    const settings = await call(api().app.updateSettings(patch))
    set({ settings })
    if (!get().status?.running) set({ status: await call(api().server.status()) })
  },
  async loadUpstream() {
    set({ upstreamChecking: true })
    try {
      set({ upstream: await call(api().upstream.show()), upstreamError: null })
    } catch (error) {
      set({ upstream: null, upstreamError: messageOf(error) })
    } finally {
      set({ upstreamLoaded: true, upstreamChecking: false })
    }
  },
  async setUpstream(input) {
    const upstream = await call(api().upstream.set(input))
    set({ upstream, upstreamError: null, upstreamLoaded: true })
    return upstream
  },
  async clearUpstream() {
    const { cleared } = await call(api().upstream.clear())
    set({ upstream: null, upstreamError: null, upstreamLoaded: true })
    return cleared
  }
}))

/** Where the key server answers (or will, once started): its URL while it runs, else the port it will use. */
export function baseUrlOf(state: Pick<ServerState, 'status' | 'settings'>): string {
  const { status, settings } = state
  return status?.url ?? `http://127.0.0.1:${status?.port ?? settings?.serverPort ?? 7861}`
}
