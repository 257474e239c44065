import { readFileSync } from 'node:fs'
import { cpus, release, totalmem } from 'node:os'

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))
    if (pretty?.[1]) return `${pretty[1]} (kernel ${release()})`
  } catch {
    /* not Linux */
  }
  return `${process.platform} ${release()}`
}

/** One line per fact, for the report's header. */
export function describeMachine(): { label: string; value: string }[] {
  const list = cpus()
  return [
    { label: 'CPU', value: list[0]?.model.trim() ?? 'unknown' },
    { label: 'Logical cores', value: String(list.length) },
    { label: 'Memory', value: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB` },
    { label: 'OS', value: osName() },
    { label: 'Node.js', value: process.version }
  ]
}
