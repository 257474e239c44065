import { randomBytes } from 'node:crypto'
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, type Stats } from 'node:fs'
import { join } from 'node:path'
import { Corrupt, oneLine } from '../base/errors'
import { removeStaleTemps, writeFileAtomic } from './atomic-file'
import { readWriteId, writeStoreJson } from './store-json'
import { FileLock } from './lock'
import { MigrationError, migrate } from './migrations'
import { SCHEMA_VERSION, emptyStore, type StoreData } from './schema'

export const STORE_FILE = 'flowkeys.json'

/**
 * The store file: read strictly (a broken file is an error, never an empty store), written atomically. The store is
 * its own rather than lowdb's: it also sees other processes' writes (stat, write_id) and writes under their lock.
 */
class StoreFile {
  /** Schema version of the file as last read, before migration (SCHEMA_VERSION when absent). */
  lastReadVersion = SCHEMA_VERSION

  constructor(private readonly file: string) {}

  read(): StoreData | null {
    let text: string
    try {
      text = readFileSync(this.file, 'utf8')
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT') {
        this.lastReadVersion = SCHEMA_VERSION
        return null
      }
      throw corrupt(this.file, code === 'EACCES' ? 'permission denied' : oneLine(err))
    }
    const { data, from } = parseStore(this.file, text)
    this.lastReadVersion = from
    return data
  }

  write(data: StoreData): void {
    if (this.lastReadVersion < SCHEMA_VERSION) {
      // The first write after a migration keeps the old file, so a bad migration can be undone by hand.
      copyFileSync(this.file, `${this.file}.v${this.lastReadVersion}.bak`)
      this.lastReadVersion = SCHEMA_VERSION
    }
    writeFileAtomic(this.file, (write) => writeStoreJson(data, write))
  }
}

function corrupt(file: string, what: string): Corrupt {
  return new Corrupt(
    `Cannot read the FlowKeys store ${file}: ${what}. The file was left untouched; restore it from a backup or move it aside.`
  )
}

const COLLECTIONS = ['users', 'api_keys', 'variables'] as const

/** Parses and migrates store text; throws `Corrupt` naming the file and what is wrong. */
export function parseStore(file: string, text: string): { data: StoreData; from: number } {
  if (text.trim() === '') throw corrupt(file, 'the file is empty (truncated?)')
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw corrupt(file, `not valid JSON (${oneLine(err)})`)
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw corrupt(file, 'not a JSON object')
  let data: Record<string, unknown>
  let from: number
  try {
    ;({ data, from } = migrate(raw as Record<string, unknown>))
  } catch (err) {
    if (err instanceof MigrationError) throw corrupt(file, err.message)
    throw err
  }
  for (const name of COLLECTIONS) {
    const list = data[name]
    if (!Array.isArray(list)) throw corrupt(file, `"${name}" is not a list`)
    const bad = list.findIndex(
      (item) => item === null || typeof item !== 'object' || typeof item.id !== 'string'
    )
    if (bad !== -1) throw corrupt(file, `"${name}"[${bad}] is not a record with an id`)
  }
  return { data: data as unknown as StoreData, from }
}

/** What identifies a version of the file: its inode (each atomic write is a new one), times and size. */
export type Stamp = Pick<Stats, 'ino' | 'mtimeMs' | 'ctimeMs' | 'size'> | null

export function stampOf(file: string): Stamp {
  // Number stats (not bigint) and no exception for a missing file: this is on the key server's request path.
  return statSync(file, { throwIfNoEntry: false }) ?? null
}

export function sameStamp(a: Stamp, b: Stamp): boolean {
  if (a === null || b === null) return a === b
  return a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.size === b.size
}

export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  // mkdir leaves an existing folder's mode alone; the store must not be readable by others.
  if (process.platform !== 'win32') chmodSync(dir, 0o700)
}

export interface StoreOptions {
  lockTimeoutMs?: number
}

/** How many of its own latest write_ids this process remembers per store file. */
const OWN_WRITES_KEPT = 16
/** Per store file: each write_id this process wrote, with the write_id of the version it replaced (oldest first). */
const ownWrites = new Map<string, Map<string, string | null>>()

/**
 * The write_id of the version this process's write `writeId` replaced (null: a file without one, or none), or
 * undefined when this process did not write it (or no longer remembers). Following it back from the file's head
 * over this process's writes tells whether another process wrote in between.
 */
export function replacedWriteId(file: string, writeId: string): string | null | undefined {
  return ownWrites.get(file)?.get(writeId)
}

function rememberOwnWrite(file: string, writeId: string, replaced: string | null): void {
  const ids = ownWrites.get(file) ?? new Map<string, string | null>()
  ids.set(writeId, replaced)
  if (ids.size > OWN_WRITES_KEPT) ids.delete(ids.keys().next().value as string)
  ownWrites.set(file, ids)
}

/**
 * The JSON store's file, shared by the app, the CLI and the server. Reads are served from memory and re-read when
 * the file changed on disk (another process wrote it); every write is a locked read-modify-write of fresh data.
 */
export class DataFile {
  readonly file: string
  /** Increases each time the in-memory data is replaced, so caches derived from it know when to rebuild. */
  generation = 0
  /** How long this process's last write of the file took (serialising, writing, syncing), in ms; 0 before any. */
  lastWriteMs = 0
  private readonly adapter: StoreFile
  /** The data as last read or written. */
  private data: StoreData
  private readonly lock: FileLock
  /** The stamp of the file as last read or written (null: there was no file). */
  private stamp: Stamp = null
  /** False when memory may differ from the file whatever the stamps say (a callback failed midway). */
  private known = false

  private constructor(
    readonly dataDir: string,
    options: StoreOptions
  ) {
    this.file = join(dataDir, STORE_FILE)
    this.adapter = new StoreFile(this.file)
    this.data = emptyStore()
    this.lock = new FileLock(`${this.file}.lock`, { timeoutMs: options.lockTimeoutMs })
  }

  /** Opens (without creating) the store in `dataDir`; a broken file throws `Corrupt` here, at once. */
  static open(dataDir: string, options: StoreOptions = {}): DataFile {
    ensureDataDir(dataDir)
    const store = new DataFile(dataDir, options)
    store.reload()
    return store
  }

  /**
   * The current data, re-read first if another process replaced the file. Treat it as read-only. Inside an
   * afterCheck callback, the check that callback waited for stands.
   */
  read(): StoreData {
    if (this.inCheckedBatch === 0 && this.changedOnDisk()) this.reload()
    this.markChecked()
    return this.data
  }

  /**
   * Runs `run` after a check of the file made after this call, in this turn of the event loop (right after its
   * I/O): what `run` reads then holds every write another process finished before the call. Calls made in the
   * same turn share one check. The key server checks once for all the requests that arrived together, where a
   * check per request was a system call per request; a key revoked by another process is still refused from
   * the very next request, since every request that arrived after the revocation waits for a later check.
   * `run` must not throw (a throw is rethrown on its own, after the others ran).
   */
  afterCheck(run: () => void): void {
    this.waitingForCheck.push(run)
    if (this.waitingForCheck.length === 1) setImmediate(this.runAfterCheck)
  }

  private waitingForCheck: (() => void)[] = []
  /** Nonzero while afterCheck callbacks run: their reads rely on the check they waited for. */
  private inCheckedBatch = 0

  private readonly runAfterCheck = (): void => {
    const waiting = this.waitingForCheck
    this.waitingForCheck = []
    let checked = true
    try {
      this.read()
    } catch {
      // An unreadable file: each callback's own read meets the error and answers for it.
      checked = false
    }
    if (checked) this.inCheckedBatch++
    try {
      for (const run of waiting) {
        try {
          run()
        } catch (err) {
          process.nextTick(() => {
            throw err
          })
        }
      }
    } finally {
      if (checked) this.inCheckedBatch--
    }
  }

  /**
   * Like read(), but trusts a check of the file already made in this turn of the event loop. For hot reads that
   * follow a check (a key server request: the auth step waited for one, then the route lists): no second stat. Another process's write is seen from the next turn on; decisions that must
   * see it at once (is this key revoked?) use read().
   */
  readChecked(): StoreData {
    return this.checkedThisTurn ? this.data : this.read()
  }

  /** Whether read() ran in this turn of the event loop (cleared when the turn ends). */
  private checkedThisTurn = false

  private markChecked(): void {
    if (this.checkedThisTurn) return
    this.checkedThisTurn = true
    setImmediate(() => {
      this.checkedThisTurn = false
    }).unref()
  }

  /** Whether the file on disk differs from what is in memory (cheap: one stat). */
  changedOnDisk(): boolean {
    return !this.known || !sameStamp(stampOf(this.file), this.stamp)
  }

  /**
   * Runs `fn` on fresh data under the cross-process lock and writes the result atomically. `fn` mutates the data
   * it is given; if it throws (or rejects), nothing is written. Keep it short: other processes wait meanwhile.
   * It may be async only where it must wait on something outside the store (the keychain, at first start).
   */
  async update<T>(fn: (data: StoreData) => T | Promise<T>, changed: () => boolean = () => true): Promise<T> {
    return this.lock.with(async () => {
      removeStaleTemps(this.file)
      // Under the lock no other process writes. What is in memory is current when the file still holds the
      // write this process last read or made: same write_id at its head (another FlowKeys process writes a new
      // one) and same stat (a hand edit). Otherwise, and always when in doubt, the whole file is read again.
      const inMemory = this.data.write_id
      const head = readWriteId(this.file)
      if (this.changedOnDisk() || inMemory === null || head !== inMemory) this.reload()
      let result: T
      try {
        result = await fn(this.data)
      } catch (err) {
        // The callback may have mutated the data before it threw: forget those changes.
        this.known = false
        throw err
      }
      // `changed` says fn left the data as it was (an import that changes nothing): the file is not rewritten.
      if (!changed()) return result
      this.data.write_id = randomBytes(16).toString('hex')
      rememberOwnWrite(this.file, this.data.write_id, head)
      const started = performance.now()
      this.adapter.write(this.data)
      this.lastWriteMs = performance.now() - started
      this.stamp = stampOf(this.file)
      this.known = true
      this.generation++
      return result
    })
  }

  private reload(): void {
    // Take the stamp before reading: a write landing in between makes the next read() reload again.
    const stamp = stampOf(this.file)
    this.data = this.adapter.read() ?? emptyStore()
    this.stamp = stamp
    this.known = true
    this.generation++
  }
}
