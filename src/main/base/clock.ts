let lastMs = Number.NaN
let lastText = ''

/**
 * The current time as an ISO 8601 string, made at most once per millisecond: the key server stamps every
 * request's log entry, and formatting a date is a measurable part of a request's cost.
 */
export function nowIso(): string {
  const ms = Date.now()
  if (ms !== lastMs) {
    lastMs = ms
    lastText = new Date(ms).toISOString()
  }
  return lastText
}
