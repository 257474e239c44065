import { BadRequest } from '../base/errors'

/**
 * The largest text FlowKeys stores per field: anyone who can sign up or holds a key writes names, so every stored
 * string has a bound (SECURITY.md, "Bounded input"). Lengths count UTF-16 code units, as JavaScript strings do.
 */
export const LIMITS = {
  username: 255,
  password: 1024,
  profileImage: 2048,
  keyName: 255,
  variableName: 255,
  /** A provider key or a PEM certificate fits; a file does not belong in a variable. */
  variableValue: 64 * 1024,
  defaultFields: 64,
  defaultField: 255,
  storeApiKey: 4096
} as const

/** Throws a one-line BadRequest when `text` is longer than its limit. */
export function checkLength(what: string, text: string | null | undefined, max: number): void {
  if (typeof text === 'string' && text.length > max)
    throw new BadRequest(`${what} is too long (at most ${max} characters)`)
}
