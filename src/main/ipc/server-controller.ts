// Runs the key server in-process for the app: start on the configured port, stop (waiting for in-flight
// requests), status, and the recent access log. The shell and the renderer tests use this same controller.
import { oneLine } from '../base/errors'
import type { AccessEntry, AccessLog } from '../audit/access-log'
import type { AccessLogEntry, ServerProblem, ServerStatus } from '../../shared/ipc'
import type { ServerController } from './services'

export interface RunningServer {
  url: string
  port: number
  close(): Promise<void>
}

export interface ServerControllerOptions {
  /** Starts the key server on `port` (startServer from src/main/server/start.ts, bound to the core). */
  start(port: number): Promise<RunningServer>
  /** The port to use for the next start (the user may change it in the settings). */
  port(): number
  /** The log the server writes to. */
  accessLog: AccessLog
  /** The server's errors and warnings, newest first (./server-problems.ts); none when absent. */
  problems?: { recent(limit: number): ServerProblem[] }
}

/** A request's access-log entry as the app shows it (`server:accessLog`, the `access:entry` push): never a key. */
export function accessEntryView(entry: AccessEntry): AccessLogEntry {
  return {
    time: entry.time,
    method: entry.method ?? '',
    // Belt and braces: the server already strips the query, which may carry x-api-key.
    path: (entry.path ?? '').split('?')[0] ?? '',
    keyName: entry.keyName ?? null,
    status: entry.status ?? 0
  }
}

export function createServerController(options: ServerControllerOptions): ServerController {
  let running: RunningServer | null = null
  let lastError: string | null = null
  // Start and stop are serialised so a quick start/stop/start from the UI cannot leave two servers.
  let queue: Promise<unknown> = Promise.resolve()
  const serially = <T>(step: () => Promise<T>): Promise<T> => {
    const next = queue.then(step, step)
    queue = next.catch(() => undefined)
    return next
  }

  const status = (): ServerStatus => ({
    running: running !== null,
    url: running?.url ?? null,
    port: running?.port ?? options.port(),
    lastError
  })

  return {
    status,
    start: () =>
      serially(async () => {
        if (running) return status()
        try {
          running = await options.start(options.port())
          lastError = null
        } catch (err) {
          lastError = oneLine(err)
        }
        return status()
      }),
    stop: () =>
      serially(async () => {
        const server = running
        running = null
        if (server) await server.close()
        return status()
      }),
    accessLog: (limit) =>
      options.accessLog.recent(limit, (entry) => entry.kind === 'request').map(accessEntryView),
    errors: (limit) => options.problems?.recent(limit) ?? []
  }
}

/**
 * The same controller, telling `changed` the new status after every start and stop, whether it succeeded or not
 * (a failed start's reason is in `lastError`): the app pushes it to the window as `server:changed`.
 */
export function observeServer(
  controller: ServerController,
  changed: (status: ServerStatus) => void
): ServerController {
  const tell = (): void => {
    try {
      changed(controller.status())
    } catch {
      /* a listener's failure is not the server's */
    }
  }
  const observed = (step: () => Promise<ServerStatus>) => async (): Promise<ServerStatus> => {
    try {
      return await step()
    } finally {
      tell()
    }
  }
  return {
    status: () => controller.status(),
    start: observed(() => controller.start()),
    stop: observed(() => controller.stop()),
    accessLog: (limit) => controller.accessLog(limit),
    errors: (limit) => controller.errors(limit)
  }
}
