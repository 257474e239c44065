import { closeSync, openSync, readSync } from 'node:fs'
import type { ChunkWriter } from './atomic-file'
import type { StoreData } from './schema'

/**
 * The store file's text, produced record by record: the same JSON as `JSON.stringify(data)` except that
 * `write_id` comes first, so that `readWriteId` finds it in the file's first bytes. A store of 10,000s of
 * records is never held as one string (it would be several MB, made on every write).
 */
export function writeStoreJson(data: StoreData, write: ChunkWriter): void {
  write(`{"write_id":${JSON.stringify(data.write_id)}`)
  for (const [key, value] of Object.entries(data)) {
    if (key === 'write_id' || value === undefined || typeof value === 'function') continue
    write(`,${JSON.stringify(key)}:`)
    if (Array.isArray(value)) {
      write('[')
      for (let i = 0; i < value.length; i++)
        write((i === 0 ? '' : ',') + (JSON.stringify(value[i]) ?? 'null'))
      write(']')
    } else {
      write(JSON.stringify(value))
    }
  }
  write('}\n')
}

const HEAD_BYTES = 64
const HEAD = /^\{"write_id":"([0-9a-f]{32})"/

/** The write_id at the head of the store file, or null (no file, no id, or not written by this layout). */
export function readWriteId(file: string): string | null {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    return null
  }
  try {
    const head = Buffer.alloc(HEAD_BYTES)
    const read = readSync(fd, head, 0, HEAD_BYTES, 0)
    return HEAD.exec(head.toString('latin1', 0, read))?.[1] ?? null
  } catch {
    return null
  } finally {
    closeSync(fd)
  }
}
