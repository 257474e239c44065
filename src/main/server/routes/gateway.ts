import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Readable, Transform, type TransformCallback } from 'node:stream'
import { z } from 'zod'
import { TooLarge } from '../../base/errors'
import type { Core } from '../../core/open'
import { GLOBAL_VAR_HEADER_PREFIX } from '../../gateway/credentials'
import type { StreamedBody } from '../../gateway/gateway'
import type { UpstreamAnswer } from '../../upstream/client'
import type { RoutePlugin } from '../app'
import { AUTH_SECURITY, principalOf, requireUser } from '../guards/auth'
import { RequestValidationError } from '../http/validation'

/** A webhook payload is read whole (it is forwarded as it came): Langflow's own JSON limit is generous, ours 10 MiB. */
export const MAX_WEBHOOK_BYTES = 10 * 1024 * 1024

/** What of the upstream's answer reaches the client: its kind and caching, never its cookies or hop headers. */
const PASSED_HEADERS = [
  'content-type',
  'content-length',
  'cache-control',
  'content-disposition',
  'x-accel-buffering'
]

const GLOBAL_VAR_HEADER = GLOBAL_VAR_HEADER_PREFIX.toLowerCase()

/** The client's query for the upstream: everything but a FlowKeys key. */
function forwardedQuery(request: FastifyRequest): URLSearchParams {
  const at = request.url.indexOf('?')
  const query = new URLSearchParams(at === -1 ? '' : request.url.slice(at + 1))
  query.delete('x-api-key')
  return query
}

/** The client's own request variables (`X-LANGFLOW-GLOBAL-VAR-*` headers), passed on to the run. */
function requestVariables(request: FastifyRequest): Record<string, string> {
  const found: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string' && name.startsWith(GLOBAL_VAR_HEADER)) found[name] = value
  }
  return found
}

/** The upstream's answer as it arrives: status, the passed headers, and the body streamed (never buffered). */
function relay(reply: FastifyReply, answer: UpstreamAnswer): FastifyReply {
  reply.code(answer.statusCode ?? 502)
  for (const name of PASSED_HEADERS) {
    const value = answer.headers[name]
    if (value !== undefined) reply.header(name, value)
  }
  // A client that goes away ends the upstream's answer too (a stream would otherwise run on).
  reply.raw.on('close', () => answer.destroy())
  return reply.send(answer)
}

/** Counts an upload's bytes on its way: past `limit` the stream fails with TooLarge (the upstream sees it cut). */
class ByteLimit extends Transform {
  private seen = 0
  constructor(private readonly limit: number) {
    super()
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length
    if (this.seen > this.limit) done(new TooLarge(uploadTooLarge(this.limit)))
    else done(null, chunk)
  }
}

function uploadTooLarge(limit: number): string {
  return `The file is too large (the limit is ${Math.round(limit / 1024 / 1024)} MB)`
}

/** The request's multipart body as a stream for the upstream, with the headers that describe it. */
function streamedUpload(request: FastifyRequest, limit: number): StreamedBody {
  // FastAPI's answer to a form without its file (another content type, or none at all).
  if (!(request.body instanceof Readable)) {
    throw new RequestValidationError([{ type: 'missing', loc: ['body', 'file'], msg: 'Field required' }])
  }
  const length = Number(request.headers['content-length'])
  if (Number.isFinite(length) && length > limit) throw new TooLarge(uploadTooLarge(limit))
  const headers: Record<string, string> = { 'content-type': String(request.headers['content-type']) }
  if (Number.isFinite(length)) headers['content-length'] = String(length)
  return { stream: request.body.pipe(new ByteLimit(limit)), headers }
}

const FlowParams = z.object({ flow_id_or_name: z.string().min(1).max(1000) })
const FlowIdParams = z.object({ flow_id: z.string().min(1).max(1000) })
const RunQuery = z.looseObject({ stream: z.string().optional() })

/** The older process body: `inputs` (a dict whose input value is `input_value`, or its only text) and `tweaks`. */
const ProcessBody = z.looseObject({
  inputs: z
    .union([z.record(z.string(), z.unknown()), z.string()])
    .nullable()
    .optional(),
  tweaks: z.record(z.string(), z.unknown()).nullable().optional(),
  session_id: z.string().nullable().optional()
})

function runBodyOf(body: z.infer<typeof ProcessBody> | undefined): Record<string, unknown> {
  const inputs = body?.inputs
  let input: unknown
  if (typeof inputs === 'string') input = inputs
  else if (inputs) input = inputs.input_value ?? Object.values(inputs).find((v) => typeof v === 'string')
  const run: Record<string, unknown> = {}
  if (typeof input === 'string') run.input_value = input
  if (body?.tweaks) run.tweaks = body.tweaks
  if (body?.session_id) run.session_id = body.session_id
  return run
}

const tags = ['Gateway']
const forwarded =
  'Forwarded to the Langflow upstream (`flowkeys upstream set`) with its own API key; the answer is the ' +
  "upstream's. Open to superusers, and to keys a superuser limited to named flows (for those flows)."

/**
 * The gateway (issue "Run flows through FlowKeys"): Langflow's run, webhook and file routes, authenticated as
 * every other route, forwarded to the upstream by the core's Gateway.
 */
export function gatewayRoutes(core: Pick<Core, 'gateway'>): RoutePlugin {
  return async (app) => {
    app.post(
      '/api/v1/run/:flow_id_or_name',
      {
        preValidation: requireUser,
        schema: {
          tags,
          summary: 'Run a flow with your credentials (Langflow’s simplified run)',
          description: `${forwarded} Fields that load a global variable get the caller's variable of that name.`,
          security: AUTH_SECURITY,
          params: FlowParams,
          querystring: RunQuery,
          body: z.unknown()
        }
      },
      async (request, reply) => {
        const answer = await core.gateway.run(
          principalOf(request),
          request.params.flow_id_or_name,
          forwardedQuery(request),
          request.body,
          requestVariables(request)
        )
        return relay(reply, answer)
      }
    )

    app.post(
      '/api/v1/process/:flow_id',
      {
        preValidation: requireUser,
        schema: {
          tags,
          summary: 'The older docs’ process call, run as /api/v1/run (deprecated in Langflow)',
          description: `${forwarded} Takes {"inputs": {...}, "tweaks": {...}} and answers as /api/v1/run.`,
          security: AUTH_SECURITY,
          params: FlowIdParams,
          body: ProcessBody
        }
      },
      async (request, reply) => {
        const answer = await core.gateway.run(
          principalOf(request),
          request.params.flow_id,
          new URLSearchParams(),
          runBodyOf(request.body),
          requestVariables(request)
        )
        return relay(reply, answer)
      }
    )

    // Raw bodies, in a context of their own: the webhook's payload and the uploads are forwarded as they came.
    await app.register(async (raw: FastifyInstance) => {
      raw.removeAllContentTypeParsers()
      raw.addContentTypeParser('multipart/form-data', (_request, payload, done) => done(null, payload))
      raw.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_WEBHOOK_BYTES }, (_r, body, done) =>
        done(null, body)
      )
      const typed = raw.withTypeProvider<import('fastify-type-provider-zod').ZodTypeProvider>()

      typed.post(
        '/api/v1/webhook/:flow_id_or_name',
        {
          preValidation: requireUser,
          schema: {
            tags,
            summary: 'Trigger a flow’s webhook (the payload as it is; no credentials are added)',
            description: `${forwarded} Langflow's webhooks take no request variables: they run with the upstream's own.`,
            security: AUTH_SECURITY,
            params: FlowParams
          }
        },
        async (request, reply) => {
          const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
          const answer = await core.gateway.webhook(
            principalOf(request),
            request.params.flow_id_or_name,
            body,
            request.headers['content-type']
          )
          return relay(reply, answer)
        }
      )

      typed.post(
        '/api/v1/files/upload/:flow_id',
        {
          preValidation: requireUser,
          schema: {
            tags,
            summary: 'Upload a file for a flow (streamed to the upstream)',
            description: forwarded,
            security: AUTH_SECURITY,
            params: FlowIdParams
          }
        },
        async (request, reply) => {
          const answer = await core.gateway.uploadFlowFile(
            principalOf(request),
            request.params.flow_id,
            streamedUpload(request, core.gateway.uploadLimit)
          )
          return relay(reply, answer)
        }
      )

      typed.get(
        '/api/v2/files',
        {
          preValidation: requireUser,
          schema: { tags, summary: "The upstream owner's files (superusers)", security: AUTH_SECURITY }
        },
        async (request, reply) => relay(reply, await core.gateway.listFiles(principalOf(request)))
      )

      typed.post(
        '/api/v2/files',
        {
          preValidation: requireUser,
          schema: {
            tags,
            summary: "Upload to the upstream owner's files (superusers)",
            security: AUTH_SECURITY
          }
        },
        async (request, reply) =>
          relay(
            reply,
            await core.gateway.uploadFile(
              principalOf(request),
              streamedUpload(request, core.gateway.uploadLimit)
            )
          )
      )
    })
  }
}
