import { closeSync, fstatSync, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { nowIso } from '../base/clock'
import { redact } from './redact'

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

/** A key server request's entry: written once per request, so it has a line of its own making (recordRequest). */
export interface RequestEntry extends AccessEntry {
  kind: 'request'
  method: string
  path: string
  status: number
  keyId: string | null
  keyName: string | null
  userId: string | null
}

/** What recordRequest takes: a request's entry, where a missing key, name or user may also be left out. */
export type RequestFields = Pick<RequestEntry, 'time' | 'method' | 'path' | 'status'> &
  Partial<Pick<RequestEntry, 'keyId' | 'keyName' | 'userId'>>

export const ACCESS_LOG_FILE = 'access.log'

export interface AccessLogOptions {
  /** How many of the newest entries recent() looks at (the app shows them). */
  keep?: number
  /** Size at which the file is rotated to access.log.1. */
  maxBytes?: number
  /** Told (once per spell) when the file cannot be written, and when it can again: the entries are lost. */
  warn?: (message: string) => void
}

/** Entries reach the file within this delay, or at once when this many bytes are waiting. */
const FLUSH_DELAY_MS = 100
const FLUSH_BYTES = 64 * 1024
/** recent() reads at most this much of the end of each file. */
const TAIL_BYTES = 512 * 1024

/** Logs with entries waiting for their timer: written out if the process exits first. */
const openLogs = new Set<AccessLog>()
process.once('exit', () => {
  for (const log of openLogs) log.flush()
})

/**
 * The access log: every entry appended (JSON lines, mode 0600) to a file in the data directory, rotated by size,
 * and read back from the file's end for the app (recent). Lines are written in batches (within FLUSH_DELAY_MS, on
 * close and at exit: a process killed outright loses at most that fraction of a second). Without a data directory,
 * entries stay in memory. Listeners (the app's Server page) hear each entry as it happens. Its own rather than
 * pino's: it rotates, counts the entries a full disk lost, and reads its tail back for the app.
 */
export class AccessLog {
  private readonly memory: AccessEntry[] = []
  private readonly listeners = new Set<(entry: AccessEntry) => void>()
  readonly file: string | null
  private readonly keep: number
  private readonly maxBytes: number
  /** Bytes in the file, as written by this process. */
  private bytes = 0
  private fd: number | null = null
  /** Lines waiting for the file, and their length in UTF-16 units (a bound on when to flush). */
  private pending: string[] = []
  private pendingLength = 0
  private flushTimer: NodeJS.Timeout | undefined
  /** A previous process died in the middle of a line: the next line starts on a line of its own. */
  private tornTail = false
  private readonly warn: (message: string) => void
  /** Entries dropped since the file last failed (null while it writes). */
  private lostEntries: number | null = null

  constructor(dataDir: string | null, options: AccessLogOptions = {}) {
    this.file = dataDir ? join(dataDir, ACCESS_LOG_FILE) : null
    this.keep = options.keep ?? 500
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024
    this.warn = options.warn ?? (() => undefined)
    if (this.file) {
      this.bytes = statSync(this.file, { throwIfNoEntry: false })?.size ?? 0
      this.tornTail = this.bytes > 0 && !readTail(this.file, 1).endsWith('\n')
    }
  }

  record(entry: Omit<AccessEntry, 'time'> & { time?: string }): AccessEntry {
    const full: AccessEntry = { ...entry, time: entry.time ?? nowIso() }
    // Caller-chosen names may be a key pasted in the wrong place: nothing key-shaped is written.
    for (const field of ['path', 'keyName', 'variable'] as const) {
      const text = full[field]
      if (typeof text === 'string') full[field] = redact(text)
    }
    if (this.file) this.append(JSON.stringify(full) + '\n')
    this.keepEntry(full)
    return full
  }

  /** A key server request: one line per answer (a lighter record(): it is on every request's path). */
  recordRequest(fields: RequestFields): void {
    const keyName = fields.keyName ?? null
    const entry: RequestEntry = {
      kind: 'request',
      time: fields.time,
      method: fields.method,
      path: redact(fields.path),
      status: fields.status,
      keyId: fields.keyId ?? null,
      keyName: keyName && redact(keyName),
      userId: fields.userId ?? null
    }
    if (this.file) this.append(JSON.stringify(entry) + '\n')
    if (!this.file || this.listeners.size > 0) this.keepEntry(entry)
  }

  /** Keeps the entry in memory when there is no file, and tells the listeners. */
  private keepEntry(entry: AccessEntry): void {
    if (!this.file) {
      this.memory.push(entry)
      // Trimmed in bulk (amortised O(1)): a splice on every entry would shift the whole list each time.
      if (this.memory.length >= 2 * this.keep) this.memory.splice(0, this.keep)
    }
    // Iterating even an empty Set makes an iterator: the request path asks first.
    if (this.listeners.size > 0) for (const listener of this.listeners) listener(entry)
  }

  /** Queues a line for the file. */
  private append(line: string): void {
    if (this.tornTail) {
      this.tornTail = false
      this.append('\n')
    }
    if (
      this.bytes + this.pendingLength + line.length > this.maxBytes &&
      this.bytes + this.pendingLength > 0
    ) {
      this.flush()
      this.rotate()
    }
    this.pending.push(line)
    this.pendingLength += line.length
    if (this.pendingLength >= FLUSH_BYTES) this.flush()
    else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_DELAY_MS)
      this.flushTimer.unref()
      openLogs.add(this)
    }
  }

  /** Appends the entries not yet written to the file. Never throws: a failure is told through `warn`. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    openLogs.delete(this)
    if (!this.file || this.pending.length === 0) return
    const lines = this.pending
    this.pending = []
    this.pendingLength = 0
    const bytes = Buffer.from(lines.join(''), 'utf8')
    try {
      this.fd ??= openSync(this.file, 'a', 0o600)
      let offset = 0
      while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset)
      this.bytes += bytes.length
      if (this.lostEntries !== null) {
        this.warn(`access log: writing ${this.file} again; ${this.lostEntries} entries were lost`)
        this.lostEntries = null
      }
    } catch (err) {
      // The log must never take a request down with it, nor fill the server's output with one line per batch.
      this.closeFile()
      if (this.lostEntries === null) {
        const code = (err as NodeJS.ErrnoException).code ?? 'error'
        this.warn(`access log: cannot write ${this.file} (${code}); its entries are dropped until it can`)
      }
      this.lostEntries = (this.lostEntries ?? 0) + lines.filter((line) => line !== '\n').length
    }
  }

  private rotate(): void {
    if (!this.file) return
    this.closeFile()
    try {
      renameSync(this.file, `${this.file}.1`)
    } catch {
      /* nothing to rotate */
    }
    this.bytes = 0
  }

  /** Newest first: at most `limit` of the newest `keep` entries (those `filter` accepts, when given). */
  recent(limit = 100, filter?: (entry: AccessEntry) => boolean): AccessEntry[] {
    const entries = this.file ? this.newestFromFiles() : this.memory.slice(-this.keep).reverse()
    const out: AccessEntry[] = []
    for (const entry of entries) {
      if (out.length >= limit) break
      if (!filter || filter(entry)) out.push(entry)
    }
    return out
  }

  /** The newest `keep` entries of the file (and of the rotated one, if needed), what is pending included. */
  private newestFromFiles(): AccessEntry[] {
    if (!this.file) return []
    const texts = [this.pending.join(''), readTail(this.file, TAIL_BYTES)]
    const out: AccessEntry[] = []
    const take = (text: string): void => {
      const lines = text.split('\n')
      for (let i = lines.length - 1; i >= 0 && out.length < this.keep; i--) {
        const line = lines[i]
        if (!line) continue
        try {
          out.push(JSON.parse(line) as AccessEntry)
        } catch {
          /* a torn line after a crash, or the cut at the start of a tail: skip it */
        }
      }
    }
    for (const text of texts) take(text)
    if (out.length < this.keep) take(readTail(`${this.file}.1`, TAIL_BYTES))
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

/** How many lines the first `length` bytes of `bytes` hold (each entry is one line). */

/** The last `bytes` bytes of a file as text ('' when there is no file). */
function readTail(file: string, bytes: number): string {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    return ''
  }
  try {
    const size = fstatSync(fd).size
    const start = Math.max(0, size - bytes)
    const buffer = Buffer.allocUnsafe(size - start)
    const read = readSync(fd, buffer, 0, buffer.length, start)
    return buffer.toString('utf8', 0, read)
  } catch {
    return ''
  } finally {
    closeSync(fd)
  }
}
