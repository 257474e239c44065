import { InvalidArgumentError } from 'commander'

// Parsers for option values: a bad value is a commander usage error, reported with exit code 2.

const UNITS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 365 * 86_400_000
}
/** Far enough for any key, near enough that the date stays a valid ISO date. */
const MAX_MS = 100 * 366 * UNITS.d!

/**
 * `--expires-in` values: a positive whole number and a unit, m(inutes), h(ours), d(ays), w(eeks) or y(ears of
 * 365 days), as in `90m`, `12h`, `30d`, `1w`, `1y`. Returns milliseconds; a bad value is a usage error (exit 2).
 */
export function parseDuration(text: string): number {
  const match = /^\s*(\d{1,9})\s*([mhdwy])\s*$/.exec(text)
  const ms = match ? Number(match[1]) * (UNITS[match[2]!] ?? 0) : 0
  if (ms <= 0 || ms > MAX_MS) {
    throw new InvalidArgumentError(
      'Use a positive number followed by m, h, d, w or y (minutes, hours, days, weeks, years), e.g. 90m, 12h, 30d, 1w, 1y; at most 100 years.'
    )
  }
  return ms
}

/** An option value that must not be blank (a name, a user, a directory). */
export function nonEmpty(text: string): string {
  if (text.trim() === '') throw new InvalidArgumentError('It must not be empty.')
  return text
}
