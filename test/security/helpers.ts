/** A well-formed API key that no store holds. */
export function unknownKey(i: number): string {
  return `sk-${String(i).padStart(43, 'x')}`
}
