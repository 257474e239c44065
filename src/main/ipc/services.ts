// The platform services the IPC handlers need besides the core. The Electron shell provides the real ones;
// the tests provide the same server controller, an in-memory clipboard (see ./clipboard.ts) and a save
// "dialog" that answers a temp path.
import type { AccessLogEntry, ServerProblem, ServerStatus, StartupState } from '../../shared/ipc'

/** The in-process key server, as the UI drives it. */
export interface ServerController {
  status(): ServerStatus
  /** Starts on the configured port; resolves with the new status (a failure is in `lastError`). */
  start(): Promise<ServerStatus>
  /** Closes the server and waits for in-flight requests; idempotent. */
  stop(): Promise<ServerStatus>
  /** The most recent requests, newest first. */
  accessLog(limit: number): AccessLogEntry[]
  /** The server's most recent errors and warnings, newest first. */
  errors(limit: number): ServerProblem[]
}

/** The system clipboard (Electron's `clipboard` in the app, whose methods return promises). */
export interface Clipboard {
  readText(): Promise<string> | string
  writeText(text: string): Promise<void> | void
}

/** What electron-store keeps for the app: UI preferences only, never a secret. */
export interface Preferences {
  serverPort: number
  autostart: boolean
  /** Seconds before a copied secret is cleared (0: never); absent: CLIPBOARD_CLEAR_SECONDS. */
  clipboardClearSeconds?: number
}

export interface PreferencesStore {
  get(): Preferences
  update(patch: Partial<Preferences>): Preferences
}

export interface Services {
  server: ServerController
  clipboard: Clipboard
  preferences: PreferencesStore
  /** Opens a link in the user's browser (openInBrowser in the shell, which checks the allowlist again). The
   * handler only calls it with an allowlisted https URL. */
  openInBrowser(url: string): Promise<void>
  /** Asks where to save a backup (the shell's native save dialog, which asks before replacing a file);
   * null: the user cancelled. */
  chooseBackupPath(): Promise<string | null>
  appVersion: string
  /** Where the app is in its start (the shell's); absent: ready, as for a table made over an open core. */
  startup?: () => StartupState
  /** Where unexpected handler failures are reported (defaults to console.error). */
  log?: (message: string) => void
}
