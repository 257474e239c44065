import {
  formatAccessLine,
  formatErrorLine,
  formatWarnLine,
  type ServerLogSink
} from '../../src/main/server/http/log'

/** A sink that writes the lines `flowkeys serve` prints, for tests to read. */
export function lineSink(write: (line: string) => void): ServerLogSink {
  return {
    access: (entry) => write(formatAccessLine(entry)),
    error: (entry) => write(formatErrorLine(entry)),
    warn: (message) => write(formatWarnLine(new Date().toISOString(), message))
  }
}
