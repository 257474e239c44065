// Where the app is in its start, for the window (app:startup): the window shows before the core opens, and
// the core may wait for the OS keychain, whose unlock prompt a user may take a while to answer. No `electron`
// here: src/main/index.ts wires it.
import type { Keychain } from '../vault/keychain'
import type { StartupState } from '../../shared/ipc'

/**
 * How long the app waits for one keychain call. The CLI gives up after 15 s; the app shows "waiting for the
 * keychain" meanwhile, so a user who is slow to unlock is not told that FlowKeys could not start.
 */
export const APP_KEYCHAIN_WAIT_MS = 10 * 60_000

export interface StartupTracker {
  state(): StartupState
  starting(): void
  ready(): void
  failed(message: string): void
  stopping(): void
  /** The keychain, reporting `keychain` while one of its calls is waiting for an answer. */
  watch(keychain: Keychain): Keychain
}

export function startupTracker(): StartupTracker {
  let state: StartupState = { phase: 'starting', message: null }
  let waiting = 0
  const set = (next: StartupState): void => {
    state = Object.freeze(next)
  }
  const pending = async <T>(call: () => Promise<T>): Promise<T> => {
    waiting++
    if (state.phase === 'starting') set({ phase: 'keychain', message: null })
    try {
      return await call()
    } finally {
      waiting--
      if (waiting === 0 && state.phase === 'keychain') set({ phase: 'starting', message: null })
    }
  }
  return {
    state: () => state,
    starting: () => set({ phase: 'starting', message: null }),
    ready: () => set({ phase: 'ready', message: null }),
    failed: (message) => set({ phase: 'failed', message }),
    stopping: () => set({ phase: 'stopping', message: null }),
    watch: (keychain) => ({
      get: (account) => pending(() => keychain.get(account)),
      set: (account, secret) => pending(() => keychain.set(account, secret)),
      delete: (account) => pending(() => keychain.delete(account))
    })
  }
}
