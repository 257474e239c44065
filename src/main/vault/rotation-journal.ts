// A rotation's two keychain items, noted in the data folder while it runs: a rotation killed half way leaves one of
// them unused (the new key before the commit, the retired one after), and the next start removes it.
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../store/atomic-file'

export const ROTATION_JOURNAL_FILE = 'vault-rotation.json'

/** The vault ids whose keychain items a rotation uses, and the process running it. Holds no secret. */
export interface RotationEntry {
  from: string | null
  to: string
  pid: number
}

export interface RotationJournal {
  begin(entry: Omit<RotationEntry, 'pid'>): void
  end(): void
  /** The entry of a rotation that did not end, or null. An unreadable file counts as none (it only guards litter). */
  read(): RotationEntry | null
}

export function rotationJournal(dataDir: string): RotationJournal {
  const file = join(dataDir, ROTATION_JOURNAL_FILE)
  return {
    begin: (entry) => writeFileAtomic(file, JSON.stringify({ ...entry, pid: process.pid }) + '\n'),
    end: () => rmSync(file, { force: true }),
    read: () => {
      try {
        const entry = JSON.parse(readFileSync(file, 'utf8')) as Partial<RotationEntry>
        if (typeof entry.to !== 'string' || typeof entry.pid !== 'number') return null
        return { from: typeof entry.from === 'string' ? entry.from : null, to: entry.to, pid: entry.pid }
      } catch {
        return null
      }
    }
  }
}

/** Whether a process with this id runs (one we may not signal runs too). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
