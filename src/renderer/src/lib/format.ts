const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' })
const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit'
})
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
