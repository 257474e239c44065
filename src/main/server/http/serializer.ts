import { createSerializerCompiler } from 'fastify-type-provider-zod'

const zodSerializerCompiler = createSerializerCompiler({})

/**
 * Responses are checked against their zod schema and serialised (fastify-type-provider-zod). A frozen value is
 * serialised once: the core hands out frozen results it memoises (a listing unchanged since the last store
 * change), and a frozen value cannot change, so its bytes are kept with it (dropped with it). Long listings do
 * not come here: they are streamed (json-listing.ts).
 */
export const serializerCompiler: typeof zodSerializerCompiler = (route) => {
  const serialize = zodSerializerCompiler(route)
  const cache = new WeakMap<object, Buffer>()
  // Fastify accepts a Buffer from a serializer (it sends it with its length); the compiler's type says string.
  return ((data: unknown) => {
    if (typeof data !== 'object' || data === null || !Object.isFrozen(data)) return serialize(data)
    let bytes = cache.get(data)
    if (bytes === undefined) {
      bytes = Buffer.from(serialize(data), 'utf8')
      cache.set(data, bytes)
    }
    return bytes
  }) as (data: unknown) => string
}
