import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'

const TMP_MARK = '.tmp-'

/**
 * Replaces `file` with `contents` so that a crash at any instant leaves either the old file or the new one,
 * never a mix: write a temporary sibling, fsync it, rename it over the target, fsync the folder.
 */
export function writeFileAtomic(file: string, contents: string | Buffer, mode = 0o600): void {
  const tmp = join(
    dirname(file),
    `${basename(file)}${TMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`
  )
  const fd = openSync(tmp, 'wx', mode)
  try {
    const buf = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents
    let off = 0
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off)
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
