import type { FastifyInstance, FastifyRequest, preValidationHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { BadRequest } from '../../base/errors'
import { pythonJsonError } from './json-error'
import { RequestValidationError } from './validation'

/**
 * Request bodies as FastAPI reads them:
 * - JSON (`application/json`, `application/*+json`, or no Content-Type at all) is parsed; a broken document is a
 *   422 `json_invalid` at Python's position, and bytes that are not UTF-8 are 400 "There was an error parsing the
 *   body";
 * - any other Content-Type leaves the body as text, so a JSON route answers 422 "Input should be a valid
 *   dictionary…" instead of Fastify's 415;
 * - like FastAPI, a body is only judged when the route declares one: a route without a body schema ignores even
 *   a broken body;
 * - a document nested deeper than MAX_JSON_DEPTH is a 400, found by a flat scan before anything recursive runs.
 *
 * Form routes (login) register @fastify/formbody inside their own plugin, which takes precedence there.
 */
export class UnreadableBody {
  constructor(readonly error: RequestValidationError | BadRequest) {}
}

type ParserDone = (err: Error | null, body?: unknown) => void

const PARSE_ERROR = 'There was an error parsing the body'
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

function decode(buffer: Buffer): string | UnreadableBody {
  try {
    return utf8.decode(buffer) // drops a leading BOM, as Python's json.loads(bytes) does
  } catch {
    return new UnreadableBody(new BadRequest(PARSE_ERROR))
  }
}

/**
 * How deep `[`/`{` may nest in a JSON body. Flows exported from Langflow's UI are 10-20 levels deep and Python's
 * json gives up near 1000 (RecursionError); 200 leaves ten times the room of real flows while keeping every
 * recursive walk of a body (the reviver below, validation, the resolver) short.
 */
export const MAX_JSON_DEPTH = 200

const TOO_DEEP = `JSON body nested too deep (the limit is ${MAX_JSON_DEPTH} levels)`

/** The characters the depth scan looks at, as char codes. */
const CH = {
  quote: 0x22,
  backslash: 0x5c,
  openBracket: 0x5b,
  closeBracket: 0x5d,
  openBrace: 0x7b,
  closeBrace: 0x7d
}

/**
 * Whether `[`/`{` outside strings nest deeper than `limit` anywhere in `text`: one pass, no recursion, whether or
 * not the text is valid JSON. For a valid document the depth counted is exactly its nesting.
 */
export function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      // An escaped character, a quote or a backslash included, cannot end the string: skip it.
      if (ch === CH.backslash) i++
      else if (ch === CH.quote) inString = false
    } else if (ch === CH.quote) {
      inString = true
    } else if (ch === CH.openBracket || ch === CH.openBrace) {
      if (++depth > limit) return true
    } else if ((ch === CH.closeBracket || ch === CH.closeBrace) && depth > 0) {
      depth--
    }
  }
  return false
}

/** `__proto__` keys are dropped so that no later object spread can touch a prototype. */
function withoutProto(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value
}

export function parseJsonBody(buffer: Buffer): unknown {
  if (buffer.length === 0) return undefined // FastAPI: an empty body is an absent body
  const text = decode(buffer)
  if (text instanceof UnreadableBody) return text
  // Before JSON.parse: V8's reviver walk recurses (a RangeError some thousands deep), as later walks of the body do.
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) return new UnreadableBody(new BadRequest(TOO_DEEP))
  try {
    return JSON.parse(text, withoutProto)
  } catch {
    // JSON.parse's message quotes the body: never used. Python's verdict is computed instead; when Python would
    // accept what V8 refuses (NaN, Infinity), the document is still refused, at its start.
    const found = pythonJsonError(text) ?? { msg: 'Expecting value', pos: 0 }
    return new UnreadableBody(
      new RequestValidationError([
        {
          type: 'json_invalid',
          loc: ['body', found.pos],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: found.msg }
        }
      ])
    )
  }
}

/** FastAPI's body reading for every route (fastify-plugin: registered before the routes, whose hooks it extends). */
export const bodyPlugin = fp<{ bodyLimit: number }>(
  async (app, { bodyLimit }) => registerBodyParsers(app, bodyLimit),
  { name: 'flowkeys-body', fastify: '5.x' }
)

function registerBodyParsers(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers()
  const json = (_request: FastifyRequest, body: Buffer | string, done: ParserDone): void =>
    done(null, parseJsonBody(body as Buffer))
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, json)
  app.addContentTypeParser(/^application\/[\w.+-]+\+json$/, { parseAs: 'buffer', bodyLimit }, json)
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (request, body, done: ParserDone) => {
    const buffer = body as Buffer
    if (request.headers['content-type'] === undefined) return done(null, parseJsonBody(buffer))
    done(null, buffer.length === 0 ? undefined : decode(buffer))
  })

  // Judge a broken body only where a body is expected, before the schema sees it (first of the route's own
  // preValidation hooks). Fastify reads no body for GET, HEAD and TRACE: routes answering only those go without.
  const judgeBody: preValidationHookHandler = (request, _reply, done) => {
    if (request.body instanceof UnreadableBody) {
      if (request.routeOptions.schema?.body !== undefined) return done(request.body.error)
      request.body = undefined
    }
    done()
  }
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    if (methods.every((method) => BODYLESS.has(method))) return
    const own = route.preValidation
    route.preValidation = [judgeBody, ...(own === undefined ? [] : Array.isArray(own) ? own : [own])]
  })
}

const BODYLESS = new Set(['GET', 'HEAD', 'TRACE'])
