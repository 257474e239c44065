const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' })
const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit'
})
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const hourMinuteFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
const numberFormat = new Intl.NumberFormat()

function parse(iso: string | null): Date | null {
  if (!iso) return null
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? null : date
}

export function formatDate(iso: string | null, fallback = '—'): string {
  const date = parse(iso)
  return date ? dateFormat.format(date) : fallback
}

/** The full local date and time, for a tooltip or a table: "Mar 4, 2025, 14:05". */
export function formatDateTime(iso: string | null, fallback = '—'): string {
  const date = parse(iso)
  return date ? dateTimeFormat.format(date) : fallback
}

/** Only the hour and minute: "14:05" (the date is beside it). */
export function formatHourMinute(iso: string | null, fallback = ''): string {
  const date = parse(iso)
  return date ? hourMinuteFormat.format(date) : fallback
}

export function formatTime(iso: string): string {
  const date = parse(iso)
  return date ? timeFormat.format(date) : iso
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60]
]

/** "3 days ago", "in 2 weeks", "just now". */
export function formatRelative(iso: string | null, now: number = Date.now(), fallback = 'Never'): string {
  const date = parse(iso)
  if (!date) return fallback
  const seconds = Math.round((date.getTime() - now) / 1000)
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit)
  }
  return seconds <= 0 ? 'just now' : 'in a moment'
}

export function formatCount(n: number): string {
  return numberFormat.format(n)
}

/** A delay as the app shows it: "30 s", "2 min", "never" (0). */
export function formatDelay(seconds: number): string {
  if (seconds <= 0) return 'never'
  if (seconds < 60 || seconds % 60 !== 0) return `${seconds} s`
  return `${seconds / 60} min`
}

/** A count and its noun: "1 key", "1,204 keys". */
export function formatCountOf(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}
