import { join } from 'node:path'
import { DataFile, STORE_FILE } from '../../src/main/store/data-file'
import type { StoreData } from '../../src/main/store/schema'

/**
 * Writes of each store file made by this process, by path. Counted where the file store decides to rewrite the
 * file (DataFile.update's `changed` answered yes; a transaction that changed nothing writes nothing), since stores
 * do not report their writes. The count starts when this module loads.
 */
const fileWrites = new Map<string, number>()
const update = DataFile.prototype.update
DataFile.prototype.update = function <T>(
  this: DataFile,
  fn: (data: StoreData) => T | Promise<T>,
  changed: () => boolean = () => true
): Promise<T> {
  return update.call(this, fn, () => {
    const writes = changed()
    if (writes) fileWrites.set(this.file, (fileWrites.get(this.file) ?? 0) + 1)
    return writes
  }) as Promise<T>
}

/** A counter of the writes this process makes to the store file in `dir` from now on. */
export function writeCounter(dir: string): () => number {
  const file = join(dir, STORE_FILE)
  const before = fileWrites.get(file) ?? 0
  return () => (fileWrites.get(file) ?? 0) - before
}
