// The key server's errors and warnings in the desktop app, where nobody reads a terminal: each is appended to
// server.log in the data folder (mode 0600, rotated to server.log.1 at 1 MiB) and kept in memory for the Server
// page. These are the lines `flowkeys serve` prints on stderr; they never hold a key, token or value.
import { appendFileSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { redact } from '../audit/redact'
import { oneLine } from '../base/errors'
import { formatErrorLine, formatWarnLine, printable, type ServerLogSink } from '../server/http/log'
import type { ServerProblem } from '../../shared/ipc'

export const SERVER_LOG_FILE = 'server.log'
const MAX_BYTES = 1024 * 1024
const KEEP = 200

export interface ServerProblemLog {
  /** What the server writes to (errors and warnings; access entries go to the access log). */
  readonly sink: ServerLogSink
  /** The file, or null when kept in memory only. */
  readonly file: string | null
  /** Newest first. */
  recent(limit: number): ServerProblem[]
}

export interface ServerProblemLogOptions {
  /** Also told each line (the app echoes them on stderr, as `flowkeys serve` does). */
  echo?: (line: string) => void
  /** Told once when the file cannot be written (the entries stay in memory). */
  warn?: (message: string) => void
}

export function serverProblemLog(
  dataDir: string | null,
  options: ServerProblemLogOptions = {}
): ServerProblemLog {
  const file = dataDir ? join(dataDir, SERVER_LOG_FILE) : null
  const kept: ServerProblem[] = []
  let failing = false

  const append = (line: string): void => {
    if (!file) return
    try {
      if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > MAX_BYTES) renameSync(file, `${file}.1`)
      appendFileSync(file, `${line}\n`, { mode: 0o600 })
      failing = false
    } catch (err) {
      if (!failing) options.warn?.(`FlowKeys: cannot write ${file}: ${oneLine(err)}`)
      failing = true
    }
  }

  const add = (problem: ServerProblem, line: string): void => {
    kept.push(problem)
    if (kept.length > KEEP) kept.shift()
    append(line)
    options.echo?.(line)
  }

  return {
    file,
    sink: {
      error: (entry) => {
        const safe = { ...entry, message: redact(entry.message) }
        add(
          {
            time: entry.time,
            level: 'error',
            message: `${entry.method} ${entry.path}: ${printable(safe.message)}`
          },
          formatErrorLine(safe)
        )
      },
      warn: (message) => {
        const time = new Date().toISOString()
        const text = redact(message)
        add({ time, level: 'warn', message: printable(text) }, formatWarnLine(time, text))
      }
    },
    recent: (limit) => kept.slice(-limit).reverse()
  }
}
