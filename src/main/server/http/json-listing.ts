import { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'
import { z } from 'zod'

/** From this many elements on, a listing is streamed: written out as it is serialised, never held whole. */
export const STREAMED_LISTING = 256
/** Pieces of about this many characters go to the socket at a time. */
const PIECE = 64 * 1024

/** The JSON of frozen elements (the core shares one frozen object per unchanged record), made once each. */
const elementJson = new WeakMap<object, string>()

function encodeElement(schema: z.ZodType, item: unknown): string {
  const frozen = typeof item === 'object' && item !== null && Object.isFrozen(item)
  const known = frozen ? elementJson.get(item) : undefined
  if (known !== undefined) return known
  // Checked against the route's schema, as every answer is; the core's data never fails it.
  const json = JSON.stringify(z.encode(schema, item)) ?? 'null'
  if (frozen) elementJson.set(item, json)
  return json
}

/**
 * `{...fields, [key]: [items]}` (or the bare array when `key` is omitted), as JSON pieces. The fields come first
 * and the array last, which is the field order of every listing FlowKeys answers.
 */
function* listingPieces(
  element: z.ZodType,
  items: readonly unknown[],
  wrapper?: { fields: Record<string, unknown>; key: string }
): Generator<string> {
  let piece = ''
  if (wrapper) {
    for (const [name, value] of Object.entries(wrapper.fields))
      piece += `${piece === '' ? '{' : ','}${JSON.stringify(name)}:${JSON.stringify(value)}`
    piece += `${piece === '' ? '{' : ','}${JSON.stringify(wrapper.key)}:`
  }
  piece += '['
  for (let i = 0; i < items.length; i++) {
    piece += (i === 0 ? '' : ',') + encodeElement(element, items[i])
    if (piece.length >= PIECE) {
      yield piece
      piece = ''
    }
  }
  yield piece + (wrapper ? ']}' : ']')
}

/**
 * Answers a listing: a short one goes through the route's serializer like any answer; a long one (10,000 keys is
 * 2.7 MB) is streamed, each element checked against `element` and written as it is serialised.
 */
export function sendListing<T>(
  reply: FastifyReply,
  element: z.ZodType,
  items: readonly unknown[],
  whole: T,
  wrapper?: { fields: Record<string, unknown>; key: string }
): T {
  if (items.length < STREAMED_LISTING) return whole
  const stream = Readable.from(listingPieces(element, items, wrapper), { objectMode: false })
  // Returning the reply after send() is how a Fastify handler says "answered" (typed as the route's answer).
  return reply.type('application/json; charset=utf-8').send(stream) as unknown as T
}
