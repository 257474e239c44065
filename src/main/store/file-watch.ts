// Another process's write of the JSON store file, told to this one (the app's `store:changed` push).
import { watch, type FSWatcher } from 'node:fs'
import { basename, dirname } from 'node:path'
import { STORE_WATCH_DEBOUNCE_MS, type StoreWatchOptions } from './backend'
import { replacedWriteId } from './data-file'
import { readWriteId } from './store-json'

export interface FileWatchOptions extends StoreWatchOptions {
  /** The write_id this process's write `writeId` replaced, undefined when not its own (default: data-file's). */
  replacedBy?: (file: string, writeId: string) => string | null | undefined
}

/**
 * Calls `changed` when ANOTHER process replaced the JSON store file (the CLI, a `flowkeys serve`): the data folder
 * is watched for the store file's name, and the write_id at the head of the new file is followed back over the
 * ones this process wrote, so the app's own writes do not echo and do not hide another process's write just before
 * them. A hand edit (no write_id, or an older version copied back) counts as another process's change. Returns a
 * function that stops watching.
 */
export function watchStoreFile(
  file: string,
  changed: () => void,
  options: FileWatchOptions = {}
): () => void {
  const debounceMs = options.debounceMs ?? STORE_WATCH_DEBOUNCE_MS
  const replacedBy = options.replacedBy ?? replacedWriteId
  const name = basename(file)
  /** The write_id of the version last looked at (at the start, or at the last change). */
  let seen = readWriteId(file)
  let timer: NodeJS.Timeout | undefined
  let watcher: FSWatcher | null = null

  const check = (): void => {
    timer = undefined
    const id = readWriteId(file)
    // Back from the head over this process's own writes: reaching the version last looked at means no other
    // process wrote in between (its write may sit under an own write that came within the debounce).
    let at = id
    while (at !== null && at !== seen) {
      const replaced = replacedBy(file, at)
      if (replaced === undefined) break
      at = replaced
    }
    const before = seen
    seen = id
    if (id === null || at !== before) changed()
  }
  const schedule = (): void => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(check, debounceMs)
    timer.unref()
  }
  try {
    watcher = watch(dirname(file), { persistent: false }, (_type, filename) => {
      // Some platforms do not say which file: then any change in the folder is worth a look.
      if (filename === null || filename === name) schedule()
    })
    watcher.on('error', (err) => {
      options.warn?.(`FlowKeys: stopped watching ${file} for other processes' changes (${err.message})`)
      watcher?.close()
    })
  } catch (err) {
    options.warn?.(
      `FlowKeys: cannot watch ${file} for other processes' changes (${err instanceof Error ? err.message : String(err)})`
    )
  }
  return () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    watcher?.close()
    watcher = null
  }
}
