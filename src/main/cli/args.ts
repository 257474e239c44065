import { InvalidArgumentError } from 'commander'

// Parsers for option values: a bad value is a commander usage error, reported with exit code 2.

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }
/** Far enough for any key, near enough that the date stays a valid ISO date. */
const MAX_MS = 100 * 366 * UNITS.d!

/**
 * `--expires-in` values: a positive whole number and a unit, m(inutes), h(ours), d(ays) or w(eeks), as in
 * `90m`, `12h`, `30d`, `1w`. Returns milliseconds; a bad value is a usage error (exit 2).
 */
export function parseDuration(text: string): number {
  const match = /^\s*(\d{1,9})\s*([mhdw])\s*$/.exec(text)
  const ms = match ? Number(match[1]) * (UNITS[match[2]!] ?? 0) : 0
  if (ms <= 0 || ms > MAX_MS) {
    throw new InvalidArgumentError(
      'Use a positive number followed by m, h, d or w (minutes, hours, days, weeks), e.g. 90m, 12h, 30d, 1w; at most 100 years.'
    )
  }
  return ms
}

/** An option value that must not be blank (a name, a user, a directory). */
export function nonEmpty(text: string): string {
  if (text.trim() === '') throw new InvalidArgumentError('It must not be empty.')
  return text
}
