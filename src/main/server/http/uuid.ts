import { z } from 'zod'

// UUIDs as FastAPI reads a `uuid.UUID` parameter: the forms Python accepts, and pydantic's exact messages.

export const UUID_TYPE_MSG = 'UUID input should be a string, bytes or UUID object'
const UUID_PREFIX = 'urn:uuid:'
const GROUP_STARTS = [0, 9, 14, 19, 24] as const
const GROUP_LENGTHS = [8, 4, 4, 4, 12]

/** The forms Python's `uuid.UUID`/pydantic accept: simple, hyphenated, braced, `urn:uuid:`; null when invalid. */
export function parseUuid(input: string): string | null {
  let body = input
  if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1)
  else if (body.startsWith(UUID_PREFIX)) body = body.slice(UUID_PREFIX.length)
  let hex: string
  if (/^[0-9a-fA-F]{32}$/.test(body) && body === input) hex = body
  else if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(body)) {
    hex = body.replace(/-/g, '')
  } else return null
  hex = hex.toLowerCase()
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * The message of the Rust `uuid` crate that pydantic-core quotes after "Input should be a valid UUID, " (checked
 * against pydantic 2.13 / pydantic-core 2.46, quirks included: indexes are 1-based bytes, and the last group's
 * length counts a brace or `urn:uuid:` prefix).
 */
export function uuidParseError(input: string): string {
  const bytes = Buffer.from(input, 'utf8')
  let body = input
  let offset = 0
  let simple = true
  if (input.length >= 2 && input.startsWith('{') && input.endsWith('}')) {
    body = input.slice(1, -1)
    offset = 1
    simple = false
  } else if (input.startsWith(UUID_PREFIX)) {
    body = input.slice(UUID_PREFIX.length)
    offset = UUID_PREFIX.length
    simple = false
  }
  // The crate scans bytes but reports the offending character; its index is 1-based.
  let hyphens = 0
  const bounds: number[] = []
  let index = 0
  for (const ch of body) {
    if (ch === '-') {
      if (hyphens < 4) bounds.push(index)
      hyphens++
    } else if (!/^[0-9a-fA-F]$/.test(ch)) {
      return `invalid character: found \`${ch}\` at ${index + offset + 1}`
    }
    index += Buffer.byteLength(ch, 'utf8')
  }
  if (hyphens === 0 && simple)
    return `invalid length: expected length 32 for simple format, found ${bytes.length}`
  if (hyphens !== 4) return `invalid group count: expected 5, found ${hyphens + 1}`
  for (let g = 0; g < 4; g++) {
    const bound = bounds[g] ?? 0
    const start = GROUP_STARTS[g] ?? 0
    if (bound !== (GROUP_STARTS[g + 1] ?? 0) - 1) {
      return `invalid group length in group ${g}: expected ${GROUP_LENGTHS[g]}, found ${bound - start}`
    }
  }
  return `invalid group length in group 4: expected 12, found ${bytes.length - 24}`
}

/**
 * A UUID in a path, query or body, accepted and rejected exactly as a FastAPI `uuid.UUID` parameter is, and
 * normalised to the lowercase hyphenated form.
 */
export function uuidSchema() {
  return z
    .string({ error: (iss) => (iss.input === undefined ? undefined : UUID_TYPE_MSG) })
    .transform((value, ctx) => {
      const uuid = parseUuid(value)
      if (uuid !== null) return uuid
      ctx.addIssue({
        code: 'custom',
        message: 'Invalid UUID',
        params: {
          pydantic: { type: 'uuid_parsing', msg: `Input should be a valid UUID, ${uuidParseError(value)}` }
        }
      })
      return z.NEVER
    })
    .meta({ format: 'uuid' })
}
