/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of nothing')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** 12345.6 → "12,346"; small values keep `digits` decimals. */
export function num(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

export function ms(value: number, digits = 1): string {
  return `${num(value, digits)} ms`
}

export function mb(bytes: number): string {
  return `${num(bytes / 1024 / 1024, 1)} MB`
}

/** autocannon's whole-millisecond percentiles: 0 means under a millisecond. */
export function wholeMs(value: number): string {
  return value === 0 ? '< 1 ms' : `${num(value)} ms`
}

/** The indexes 0..count-1, starting at round % count: each round of a benchmark starts with the next subject. */
export function rotated(count: number, round: number): number[] {
  return Array.from({ length: count }, (_, i) => (round + i) % count)
}
