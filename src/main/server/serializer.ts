import { createSerializerCompiler } from 'fastify-type-provider-zod'

const zodSerializerCompiler = createSerializerCompiler({})

/**
 * Responses are checked against their zod schema and serialised (fastify-type-provider-zod), once per value when
 * the value is frozen: the core hands out frozen results it memoises (a listing that is unchanged since the last
 * store change), and those are answered from the string made the first time. A frozen value cannot change, so
 * the cached string cannot go stale; it is dropped with the value.
 */
export const serializerCompiler: typeof zodSerializerCompiler = (route) => {
  const serialize = zodSerializerCompiler(route)
  const cache = new WeakMap<object, string>()
  return (data: unknown) => {
    if (typeof data !== 'object' || data === null || !Object.isFrozen(data)) return serialize(data)
    let text = cache.get(data)
    if (text === undefined) {
      text = serialize(data)
      cache.set(data, text)
    }
    return text
  }
}
