// Holds the app's quit until the key server has closed and usage counts are on disk, however the quit comes:
// the menu, the last window closing, a second quit while the first is still stopping, or (on Windows) the end
// of the session, where `before-quit` is never emitted. The stop has a deadline, so one stuck part cannot keep
// the process alive after its window is gone. No `electron` here: src/main/index.ts wires it.
import { oneLine } from '../base/errors'

/** FLOWKEYS_QUIT_DEADLINE_MS overrides it (the main-process tests shorten it); read here only. */
export const DEFAULT_QUIT_DEADLINE_MS = 10_000

export function quitDeadlineMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.FLOWKEYS_QUIT_DEADLINE_MS)
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_QUIT_DEADLINE_MS
}

export interface QuitGuardOptions {
  /** Starts stopping what runs; null when nothing needs stopping (still starting, or the start failed). */
  stop(): Promise<void> | null
  /** Quits for real (app.quit): called once the stop finished or its deadline passed. */
  quit(): void
  deadlineMs: number
  warn(message: string): void
}

export interface QuitGuard {
  /** For app's `before-quit`: lets the quit through only when nothing is running or the stop has finished. */
  beforeQuit(event: { preventDefault(): void }): void
  /** For the end of the OS session (`session-end`): stops, then quits. */
  sessionEnding(): void
  readonly stopping: boolean
}

export function quitGuard(options: QuitGuardOptions): QuitGuard {
  let state: 'open' | 'stopping' | 'stopped' = 'open'

  const begin = (): void => {
    if (state !== 'open') return
    const stopping = options.stop()
    if (!stopping) {
      state = 'stopped'
      return
    }
    state = 'stopping'
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        options.warn(`FlowKeys: the shutdown did not finish within ${options.deadlineMs} ms; quitting anyway`)
        resolve()
      }, options.deadlineMs)
    })
    Promise.race([stopping, deadline])
      .catch((error: unknown) => options.warn(`FlowKeys: unclean shutdown: ${oneLine(error)}`))
      .finally(() => {
        clearTimeout(timer)
        state = 'stopped'
        options.quit()
      })
  }

  return {
    beforeQuit(event) {
      begin()
      if (state === 'stopping') event.preventDefault()
    },
    sessionEnding: begin,
    get stopping() {
      return state === 'stopping'
    }
  }
}
