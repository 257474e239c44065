import { createSerializerCompiler } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { giveBack, isLentBody, lendBody } from './response-buffers'

const zodSerializerCompiler = createSerializerCompiler({})

/** From this many elements on, an array in a response is encoded element by element into a Buffer. */
const LARGE_ARRAY = 256

/**
 * Responses are checked against their zod schema and serialised (fastify-type-provider-zod), with two savings
 * that leave the bytes unchanged:
 * - a frozen value is serialised once: the core hands out frozen results it memoises (a listing unchanged since
 *   the last store change), and those are answered from the bytes (a Buffer) made the first time. A frozen value cannot
 *   change, so the cache cannot go stale; it is dropped with the value;
 * - a large listing (10,000 keys) is checked and encoded one element at a time into a Buffer, instead of a full
 *   checked copy of the listing and then one string of several MB: both would outlive the young generation and
 *   grow the heap of a server answering such listings in a loop. That Buffer is lent (response-buffers.ts) and
 *   used again once the answer is written out; the bytes kept for a frozen value are a copy of their own.
 * Whatever these paths cannot handle, or find invalid, goes to the zod serializer, which reports the error.
 */
export const serializerCompiler: typeof zodSerializerCompiler = (route) => {
  const serialize = zodSerializerCompiler(route)
  const schema = route.schema instanceof z.ZodType ? route.schema : undefined
  // JSON of frozen elements of large arrays, by element: a listing of shared frozen records (see ApiKeyService)
  // is then mostly a join of strings made once.
  const elements = new WeakMap<object, string>()
  const encode = (data: unknown): string | Buffer =>
    (schema && encodeLarge(schema, data, elements)) ?? serialize(data)
  const cache = new WeakMap<object, Buffer>()
  // Fastify accepts a Buffer from a serializer (it sends it with its length); the compiler's type says string.
  return ((data: unknown) => {
    if (typeof data !== 'object' || data === null || !Object.isFrozen(data)) return encode(data)
    let bytes = cache.get(data)
    if (bytes === undefined) {
      // Kept as bytes: each answer then goes to the socket as is, without encoding the text again.
      const encoded = encode(data)
      bytes = typeof encoded === 'string' ? Buffer.from(encoded, 'utf8') : kept(encoded)
      cache.set(data, bytes)
    }
    return bytes
  }) as (data: unknown) => string
}

/** Bytes to keep and send again: a lent body would be written over once given back, so a copy of it. */
function kept(bytes: Buffer): Buffer {
  if (!isLentBody(bytes)) return bytes
  const copy = Buffer.from(bytes)
  giveBack(bytes)
  return copy
}

/**
 * Text pieces written at the end straight into one Buffer of the exact size, lent for the answer
 * (response-buffers.ts): no string of the whole is made.
 */
class Chunks {
  private parts: string[] = []

  add(text: string): void {
    this.parts.push(text)
  }

  done(): Buffer {
    let total = 0
    for (const part of this.parts) total += Buffer.byteLength(part, 'utf8')
    const out = lendBody(total)
    let offset = 0
    for (const part of this.parts) offset += out.write(part, offset, 'utf8')
    return out
  }
}

function unwrapReadonly(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodReadonly ? unwrapReadonly(schema.unwrap() as z.ZodType) : schema
}

function largeArray(schema: z.ZodType, value: unknown): schema is z.ZodArray<z.ZodType> {
  return unwrapReadonly(schema) instanceof z.ZodArray && Array.isArray(value) && value.length >= LARGE_ARRAY
}

/** The JSON of `value` checked against `schema`; false when it does not pass, undefined when it encodes to nothing. */
function encoded(schema: z.ZodType, value: unknown): string | undefined | false {
  const result = z.safeEncode(schema, value)
  if (!result.success) return false
  return JSON.stringify(result.data)
}

function addArray(schema: z.ZodType, items: unknown[], out: Chunks, cache: WeakMap<object, string>): boolean {
  const element = (unwrapReadonly(schema) as z.ZodArray<z.ZodType>).element
  out.add('[')
  for (let i = 0; i < items.length; i++) {
    const item = items[i]
    const frozen = typeof item === 'object' && item !== null && Object.isFrozen(item)
    let json: string | undefined | false = frozen ? cache.get(item) : undefined
    if (json === undefined) {
      json = encoded(element, item)
      if (json === false) return false
      if (frozen && json !== undefined) cache.set(item, json)
    }
    if (i > 0) out.add(',')
    out.add(json ?? 'null')
  }
  out.add(']')
  return true
}

/**
 * A large array, or a plain object schema (no catchall) with a large array among its fields, encoded piece by
 * piece in the order zod's output has (the shape's); undefined for anything else, or anything invalid.
 */
function encodeLarge(schema: z.ZodType, data: unknown, cache: WeakMap<object, string>): Buffer | undefined {
  const out = new Chunks()
  if (largeArray(schema, data))
    return addArray(schema, data as unknown[], out, cache) ? out.done() : undefined
  const object = unwrapReadonly(schema)
  if (!(object instanceof z.ZodObject) || object.def.catchall !== undefined) return undefined
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined
  const fields = Object.entries(object.shape as Record<string, z.ZodType>)
  const values = data as Record<string, unknown>
  if (!fields.some(([key, field]) => largeArray(field, values[key]))) return undefined
  let first = true
  out.add('{')
  for (const [key, field] of fields) {
    const value = values[key]
    if (largeArray(field, value)) {
      out.add(`${first ? '' : ','}${JSON.stringify(key)}:`)
      if (!addArray(field, value as unknown[], out, cache)) return undefined
    } else {
      const json = encoded(field, value)
      if (json === false) return undefined
      if (json === undefined) continue
      out.add(`${first ? '' : ','}${JSON.stringify(key)}:${json}`)
    }
    first = false
  }
  out.add('}')
  return out.done()
}
