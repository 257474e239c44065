import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { nowIso } from '../core/clock'

/** One line of the access log. Never a key, token, password or variable value: names and outcomes only. */
export interface AccessEntry {
  time: string
  kind: 'request' | 'credential'
  method?: string
  /** The path without its query string (a query may carry x-api-key). */
  path?: string
  status?: number
  keyId?: string | null
  keyName?: string | null
  userId?: string | null
  /** For credential reads: which variable, and whether it was served. */
  variable?: string
  outcome?: 'served' | 'not_found' | 'refused'
}

export const ACCESS_LOG_FILE = 'access.log'

export interface AccessLogOptions {
  /** Entries kept in memory for the app to show. */
  keep?: number
  /** Size at which the file is rotated to access.log.1. */
  maxBytes?: number
}

/** Entries reach the file within this delay, or at once when this many bytes are waiting. */
const FLUSH_DELAY_MS = 100
const FLUSH_BYTES = 64 * 1024

/** Logs with entries waiting for their timer: written out if the process exits first. */
const openLogs = new Set<AccessLog>()
process.once('exit', () => {
  for (const log of openLogs) log.flush()
})

/**
 * The access log: recent entries in memory, and every entry appended (JSON lines, mode 0600) to a file in the
 * data directory, rotated by size. Writes are batched (within FLUSH_DELAY_MS, on close and at process exit), so
 * a request costs no system call; a process killed outright loses at most that last fraction of a second.
 * Listeners (the app's Server page) hear each entry as it happens.
 */
export class AccessLog {
  private readonly recentEntries: AccessEntry[] = []
  private readonly listeners = new Set<(entry: AccessEntry) => void>()
  readonly file: string | null
  private readonly keep: number
  private readonly maxBytes: number
  private bytes = 0
  /** Kept open, and written in batches: the log is on every request's path. */
  private fd: number | null = null
  private pending: string[] = []
  private pendingBytes = 0
  private flushTimer: NodeJS.Timeout | undefined

  constructor(dataDir: string | null, options: AccessLogOptions = {}) {
    this.file = dataDir ? join(dataDir, ACCESS_LOG_FILE) : null
    this.keep = options.keep ?? 500
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024
    if (this.file && existsSync(this.file)) {
      this.bytes = statSync(this.file).size
      // Show the tail of the previous session's log after a restart.
      const lines = readFileSync(this.file, 'utf8').split('\n').filter(Boolean).slice(-this.keep)
      for (const line of lines) {
        try {
          this.recentEntries.push(JSON.parse(line) as AccessEntry)
        } catch {
          /* a torn last line after a crash: skip it */
        }
      }
    }
  }

  record(entry: Omit<AccessEntry, 'time'> & { time?: string }): AccessEntry {
    // An entry that comes with its time is kept as given (the key server's sink makes a fresh one per request).
    const full: AccessEntry = entry.time === undefined ? { ...entry, time: nowIso() } : (entry as AccessEntry)
    this.recentEntries.push(full)
    // Trimmed in bulk (amortised O(1)): a splice on every request would shift the whole list each time.
    if (this.recentEntries.length >= 2 * this.keep) this.recentEntries.splice(0, this.keep)
    if (this.file) {
      const line = JSON.stringify(full) + '\n'
      this.pending.push(line)
      this.pendingBytes += line.length
      if (this.pendingBytes >= FLUSH_BYTES) this.flush()
      else if (!this.flushTimer) {
        this.flushTimer = setTimeout(() => this.flush(), FLUSH_DELAY_MS)
        this.flushTimer.unref()
        openLogs.add(this)
      }
    }
    for (const listener of this.listeners) listener(full)
    return full
  }

  /** Appends the entries not yet written to the file (rotating it when full). Never throws. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    openLogs.delete(this)
    if (!this.file || this.pending.length === 0) return
    const lines = this.pending
    this.pending = []
    this.pendingBytes = 0
    let chunk = ''
    try {
      for (const line of lines) {
        if (this.bytes + chunk.length + line.length > this.maxBytes) {
          this.write(chunk)
          chunk = ''
          this.closeFile()
          renameSync(this.file, `${this.file}.1`)
          this.bytes = 0
        }
        chunk += line
      }
      this.write(chunk)
    } catch {
      // The log must never take a request down with it.
    }
  }

  private write(text: string): void {
    if (text === '' || !this.file) return
    this.fd ??= openSync(this.file, 'a', 0o600)
    this.bytes += writeSync(this.fd, text)
  }

  /** Newest first. */
  recent(limit = 100, filter?: (entry: AccessEntry) => boolean): AccessEntry[] {
    const out: AccessEntry[] = []
    const oldest = Math.max(0, this.recentEntries.length - this.keep)
    for (let i = this.recentEntries.length - 1; i >= oldest && out.length < limit; i--) {
      const entry = this.recentEntries[i] as AccessEntry
      if (!filter || filter(entry)) out.push(entry)
    }
    return out
  }

  /** Writes what is pending and closes the file (it reopens on the next entry). */
  close(): void {
    this.flush()
    this.closeFile()
  }

  private closeFile(): void {
    if (this.fd === null) return
    try {
      closeSync(this.fd)
    } catch {
      /* already closed */
    }
    this.fd = null
  }

  onEntry(listener: (entry: AccessEntry) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
