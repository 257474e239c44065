import { closeSync, fstatSync, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { nowIso } from '../core/clock'
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
/** In a request line's cache key: separates the fields and stands for null (no field holds a control character). */
const NUL = '\u0000'
const NO_BYTES = new Uint8Array(0)
const NEWLINE = new Uint8Array([0x0a])
/** recent() reads at most this much of the end of each file. */
const TAIL_BYTES = 512 * 1024

/** Logs with entries waiting for their timer: written out if the process exits first. */
const openLogs = new Set<AccessLog>()
process.once('exit', () => {
  for (const log of openLogs) log.flush()
})

/**
 * The access log: every entry appended (JSON lines, mode 0600) to a file in the data directory, rotated by
 * size, and read back from the file's end for the app (recent). It is on every request's path, so a request
 * leaves nothing behind in the JavaScript heap: its line is copied into a byte buffer that is written out in
 * batches (within FLUSH_DELAY_MS, on close and at process exit; a process killed outright loses at most that
 * last fraction of a second). Keeping entries as objects for a while made the garbage collector copy them
 * over and over, which cost more than the rest of the logging. Without a data directory, entries are kept in
 * memory instead. Listeners (the app's Server page) hear each entry as it happens.
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
  private pending = Buffer.allocUnsafeSlow(FLUSH_BYTES)
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
    if (this.file) this.append(Buffer.from(JSON.stringify(full) + '\n', 'utf8'), NO_BYTES)
    this.keepEntry(full)
    return full
  }

  /**
   * A key server request. Its line is the one record() would write, in two cached pieces of bytes: the start up
   * to the time (made once per millisecond) and the JSON of everything else (made once per caller and path).
   * JSON.stringify was most of what logging cost a request; copying cached bytes makes neither a string nor a
   * call into the string encoder, and the entry object itself is made only for those who keep or hear it.
   */
  recordRequest(fields: RequestFields): void {
    if (this.file) this.append(this.requestHead(fields.time), this.requestTail(fields))
    if (!this.file || this.listeners.size > 0) {
      this.keepEntry({
        kind: 'request',
        time: fields.time,
        method: fields.method,
        path: fields.path,
        status: fields.status,
        keyId: fields.keyId ?? null,
        keyName: fields.keyName ?? null,
        userId: fields.userId ?? null
      } satisfies RequestEntry)
    }
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

  /** UTF-8 of the JSON of a request entry after its time, by what it holds; bounded (cleared when full). */
  private requestTails = new Map<string, Uint8Array>()
  private lastTime: string | null = null
  private lastHead: Uint8Array = NO_BYTES

  /** The previous request's fields and tail: a client often sends the same request again and again. */
  private lastRequest: RequestFields | null = null
  private lastTail: Uint8Array = NO_BYTES

  private requestHead(time: string): Uint8Array {
    if (time !== this.lastTime) {
      this.lastTime = time
      this.lastHead = Buffer.from(`{"kind":"request","time":${JSON.stringify(time)},`, 'utf8')
    }
    return this.lastHead
  }

  private requestTail(fields: RequestFields): Uint8Array {
    const { method, path, status } = fields
    const keyId = fields.keyId ?? null
    const keyName = fields.keyName ?? null
    const userId = fields.userId ?? null
    const last = this.lastRequest
    if (
      last !== null &&
      last.path === path &&
      (last.keyId ?? null) === keyId &&
      last.status === status &&
      last.method === method &&
      (last.keyName ?? null) === keyName &&
      (last.userId ?? null) === userId
    ) {
      return this.lastTail
    }
    const cacheKey = `${method}${NUL}${status}${NUL}${keyId ?? NUL}${NUL}${userId ?? NUL}${NUL}${keyName ?? NUL}${NUL}${path}`
    let tail = this.requestTails.get(cacheKey)
    if (tail === undefined) {
      const safe = { method, path: redact(path), status, keyId, keyName: keyName && redact(keyName), userId }
      tail = Buffer.from(`${JSON.stringify(safe).slice(1)}\n`, 'utf8')
      if (this.requestTails.size >= 1_000) this.requestTails = new Map()
      this.requestTails.set(cacheKey, tail)
    }
    this.lastRequest = fields
    this.lastTail = tail
    return tail
  }

  /** Queues the line made of the bytes `head` then `tail` for the file. */
  private append(head: Uint8Array, tail: Uint8Array): void {
    if (this.tornTail) {
      this.tornTail = false
      this.append(NEWLINE, NO_BYTES)
    }
    const size = head.length + tail.length
    if (this.bytes + this.pendingLength + size > this.maxBytes && this.bytes + this.pendingLength > 0) {
      this.flush()
      this.rotate()
    }
    if (this.pendingLength + size > this.pending.length) {
      this.flush()
      if (size > this.pending.length) this.pending = Buffer.allocUnsafeSlow(size)
    }
    this.pending.set(head, this.pendingLength)
    this.pending.set(tail, this.pendingLength + head.length)
    this.pendingLength += size
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
    if (!this.file || this.pendingLength === 0) return
    const length = this.pendingLength
    this.pendingLength = 0
    try {
      this.fd ??= openSync(this.file, 'a', 0o600)
      let offset = 0
      while (offset < length) offset += writeSync(this.fd, this.pending, offset, length - offset)
      this.bytes += length
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
      this.lostEntries = (this.lostEntries ?? 0) + linesIn(this.pending, length)
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
    const texts = [this.pending.toString('utf8', 0, this.pendingLength), readTail(this.file, TAIL_BYTES)]
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
function linesIn(bytes: Buffer, length: number): number {
  let lines = 0
  for (let at = bytes.indexOf(0x0a); at !== -1 && at < length; at = bytes.indexOf(0x0a, at + 1)) lines++
  return lines
}

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
