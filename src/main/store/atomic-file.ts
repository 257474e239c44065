import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'

const TMP_MARK = '.tmp-'

/** Writes text in pieces: a producer that calls it never builds the whole file as one string. */
export type ChunkWriter = (text: string) => void

const CHUNK = 64 * 1024

/**
 * Calls `produce` with a writer that gathers its text and writes it to `fd` in pieces of about 64 KiB, through
 * one reused buffer (a fresh one per piece would fragment the allocator).
 */
function writeProduced(fd: number, produce: (write: ChunkWriter) => void): void {
  let parts: string[] = []
  let size = 0
  let scratch = Buffer.allocUnsafeSlow(4 * CHUNK)
  const flush = (): void => {
    const text = parts.join('')
    const bytes = Buffer.byteLength(text, 'utf8')
    if (bytes > scratch.length) scratch = Buffer.allocUnsafeSlow(bytes)
    writeAll(fd, scratch.subarray(0, scratch.write(text, 0, 'utf8')))
    parts = []
    size = 0
  }
  produce((text) => {
    parts.push(text)
    size += text.length
    if (size >= CHUNK) flush()
  })
  if (size > 0) flush()
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off)
}

/**
 * Replaces `file` with `contents` so that a crash at any instant leaves either the old file or the new one,
 * never a mix: write a temporary sibling, fsync it, rename it over the target, fsync the folder. `contents` may
 * be a producer of text pieces (see ChunkWriter), for files too large to hold twice in memory.
 */
export function writeFileAtomic(
  file: string,
  contents: string | Buffer | ((write: ChunkWriter) => void),
  mode = 0o600
): void {
  const tmp = join(
    dirname(file),
    `${basename(file)}${TMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`
  )
  const fd = openSync(tmp, 'wx', mode)
  try {
    if (typeof contents === 'function') writeProduced(fd, contents)
    else writeAll(fd, typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents)
    fsyncSync(fd)
  } catch (err) {
    closeSync(fd)
    safeUnlink(tmp)
    throw err
  }
  closeSync(fd)
  try {
    renameSync(tmp, file)
  } catch (err) {
    safeUnlink(tmp)
    throw err
  }
  fsyncDir(dirname(file))
}

/** Removes temporary files a killed writer left behind. Call only while holding the store's lock. */
export function removeStaleTemps(file: string): void {
  const prefix = `${basename(file)}${TMP_MARK}`
  let names: string[]
  try {
    names = readdirSync(dirname(file))
  } catch {
    return
  }
  for (const name of names) if (name.startsWith(prefix)) safeUnlink(join(dirname(file), name))
}

function fsyncDir(dir: string): void {
  // Makes the rename itself durable; some platforms (Windows) cannot open a folder, which is fine to skip.
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    /* best effort */
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    /* already gone */
  }
}
