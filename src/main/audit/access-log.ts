import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'

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

/**
 * The access log: recent entries in memory, and every entry appended (JSON lines, mode 0600) to a file in the
 * data directory, rotated by size. Listeners (the app's Server page) hear each entry as it happens.
 */
export class AccessLog {
  private readonly recentEntries: AccessEntry[] = []
  private readonly listeners = new Set<(entry: AccessEntry) => void>()
  readonly file: string | null
  private readonly keep: number
  private readonly maxBytes: number
  private bytes = 0
  /** Kept open: one write per entry instead of open, write, close (the log is on every request's path). */
  private fd: number | null = null

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
    const full: AccessEntry = { ...entry, time: entry.time ?? new Date().toISOString() }
    this.recentEntries.push(full)
    if (this.recentEntries.length > this.keep)
      this.recentEntries.splice(0, this.recentEntries.length - this.keep)
    if (this.file) {
      const line = JSON.stringify(full) + '\n'
      try {
        if (this.bytes + line.length > this.maxBytes) {
          this.close()
          renameSync(this.file, `${this.file}.1`)
          this.bytes = 0
        }
        this.fd ??= openSync(this.file, 'a', 0o600)
        this.bytes += writeSync(this.fd, line)
      } catch {
        // The log must never take a request down with it.
      }
    }
    for (const listener of this.listeners) listener(full)
    return full
  }

  /** Newest first. */
  recent(limit = 100, filter?: (entry: AccessEntry) => boolean): AccessEntry[] {
    const out: AccessEntry[] = []
    for (let i = this.recentEntries.length - 1; i >= 0 && out.length < limit; i--) {
      const entry = this.recentEntries[i] as AccessEntry
      if (!filter || filter(entry)) out.push(entry)
    }
    return out
  }

  /** Closes the file (it reopens on the next entry). */
  close(): void {
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
