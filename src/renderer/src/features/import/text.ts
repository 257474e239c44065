import type { EnvSkippedLine } from '@shared/ipc'

/** `line 7: no \`=\`; skipped`: the number and the reason, never the line's content (it may be a secret). */
export function skippedLineText(skipped: EnvSkippedLine): string {
  return `line ${skipped.line}: ${skipped.reason}; skipped`
}
