import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AccessEntry } from '../../audit/access-log'
import type { Principal } from '../../auth/service'
import { BadRequest, Forbidden, isFlowKeysError } from '../../base/errors'
import type { Core } from '../../core/open'
import { resolveFlowCredentials, type ResolveError, type ResolvedField } from '../../variables/resolve'
import type { RoutePlugin } from '../app'
import { actorOf, AUTH_SECURITY, principalOf } from '../guards/auth'

/** The auth service's message for a request without a key: an auto-login caller must bring one here. */
export const CREDENTIALS_NEED_AUTH = 'An API key must be passed as query or header'

const VariableValueSchema = z.object({
  name: z.string(),
  type: z.enum(['Credential', 'Generic']),
  value: z.string()
})

const NameParams = z.object({ name: z.string().min(1) })

const TweaksSchema = z.record(z.string(), z.unknown())
const FlowSchema = z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())])

/**
 * `{flow, tweaks?}`, or a flow export itself (`{data: {nodes}}`, which has no tweaks). The union's first branch
 * gives the 422 a client can act on (`flow` missing); whether `flow` really holds nodes is the resolver's call.
 */
const ResolveBodySchema = z.union([
  z.object({ flow: FlowSchema, tweaks: TweaksSchema.nullable().optional() }),
  z.looseObject({ data: z.looseObject({ nodes: z.array(z.unknown()) }) }).transform((flow) => ({
    flow: flow as Record<string, unknown>,
    tweaks: undefined
  }))
])

const ResolvedFieldSchema = z.object({
  node_id: z.string(),
  field: z.string(),
  source: z.enum(['tweak', 'flow', 'variable', 'env']),
  variable: z.string().nullable()
})

const ResolveResponseSchema = z.object({
  /** The caller's tweaks with every database-loaded field filled in: send it to Langflow's /api/v1/run as is. */
  tweaks: TweaksSchema,
  /** Where each credential field's value came from; no values. */
  fields: z.array(ResolvedFieldSchema)
})

type Outcome = NonNullable<AccessEntry['outcome']>

/** Who read a credential, for the access log: ids and the key's label, never the key. */
function readerOf(principal: Principal | null): Pick<AccessEntry, 'keyId' | 'keyName' | 'userId'> {
  return {
    keyId: principal?.apiKey?.id ?? null,
    keyName: principal?.apiKey?.name ?? null,
    userId: principal?.user.id ?? null
  }
}

/** At most this much of a caller-chosen variable name goes into the access log. */
const MAX_LOGGED_NAME = 200

/**
 * A secret leaves the core only to a caller that proved who it is (an API key or a token). Langflow's deprecated
 * LANGFLOW_SKIP_AUTH_AUTO_LOGIN lets a request without any credential act as the superuser; it may list and
 * manage variables, but not read Credential values through these routes.
 */
async function requireProvenUser(request: FastifyRequest): Promise<Principal> {
  const principal = await request.server.authenticateRequest(request)
  if (principal.via === 'auto_login') throw new Forbidden(CREDENTIALS_NEED_AUTH)
  return principal
}

function toWireField(field: ResolvedField): z.infer<typeof ResolvedFieldSchema> {
  return { node_id: field.nodeId, field: field.field, source: field.source, variable: field.variable }
}

/**
 * FlowKeys' own endpoints for serving flows (issue "Serving flows"): a credential by name, and the tweaks that
 * fill a Langflow flow's database-loaded fields (contract §5). Every credential read, served or not, is recorded
 * in the core's access log with the variable's name and the outcome; never its value.
 */
export function flowkeysRoutes(
  core: Pick<Core, 'variables' | 'settings' | 'accessLog' | 'environmentFor'>
): RoutePlugin {
  const record = (principal: Principal | null, variable: string, outcome: Outcome): void => {
    core.accessLog.record({
      kind: 'credential',
      ...readerOf(principal),
      variable: variable.slice(0, MAX_LOGGED_NAME),
      outcome
    })
  }

  return async (app) => {
    const tags = ['FlowKeys']

    app.get(
      '/api/v1/flowkeys/credentials/:name',
      {
        preValidation: async (request) => {
          try {
            await requireProvenUser(request)
          } catch (err) {
            // A refused attempt at a secret is worth seeing in the log: the name asked for, no caller.
            const name = (request.params as { name?: unknown }).name
            if (typeof name === 'string' && name !== '') record(null, name, 'refused')
            throw err
          }
        },
        schema: {
          tags,
          summary: "One of the caller's variables, with its decrypted value",
          description:
            'The one read that returns a Credential value. Recorded in the access log (the name and the ' +
            'outcome, never the value). A request without an API key or token is refused.',
          security: AUTH_SECURITY,
          params: NameParams,
          response: { 200: VariableValueSchema }
        }
      },
      async (request) => {
        const principal = principalOf(request)
        const { name } = request.params
        try {
          const found = await core.variables.get(principal.user.id, name)
          record(principal, name, 'served')
          return found
        } catch (err) {
          if (isFlowKeysError(err) && err.kind === 'NotFound') record(principal, name, 'not_found')
          throw err
        }
      }
    )

    app.post(
      '/api/v1/flowkeys/resolve',
      {
        preValidation: async (request) => {
          await requireProvenUser(request)
        },
        schema: {
          tags,
          summary: "The tweaks that fill a flow's credential fields for a run",
          description:
            'Takes `{flow, tweaks?}` (or a flow export itself) and answers with the tweaks to send to ' +
            "Langflow's /api/v1/run: every field with load_from_db filled by Langflow's precedence (tweak, " +
            "value in the flow, the caller's variable, the environment when LANGFLOW_FALLBACK_TO_ENV_VAR). " +
            'A variable that cannot be found, or a Credential in a session_id field, is a 400.',
          security: AUTH_SECURITY,
          body: ResolveBodySchema,
          response: { 200: ResolveResponseSchema }
        }
      },
      async (request) => {
        const principal = principalOf(request)
        const result = resolveFlowCredentials({
          flow: request.body.flow,
          tweaks: request.body.tweaks,
          lookup: await core.variables.lookupFor(principal.user.id),
          // Only the machine owner's account may be served from the environment (core.environmentFor).
          env: core.environmentFor(actorOf(request)),
          fallbackToEnv: core.settings.fallbackToEnvVar,
          // Every failed read is logged; the answer is the first one, as Langflow stops there.
          collectErrors: true
        })
        const first = result.errors[0]
        if (first) {
          for (const [name, outcome] of distinctReads(result.errors.map(errorRead))) {
            record(principal, name, outcome)
          }
          throw new BadRequest(first.message)
        }
        const served = result.fields.flatMap((f) => (f.variable === null ? [] : [f.variable]))
        for (const name of new Set(served)) record(principal, name, 'served')
        return { tweaks: result.runTweaks, fields: result.fields.map(toWireField) }
      }
    )
  }
}

function errorRead(error: ResolveError): [string, Outcome] {
  return [error.variable, error.kind === 'NotFound' ? 'not_found' : 'refused']
}

/** One log entry per variable and outcome in a request, however many fields name it. */
function distinctReads(reads: [string, Outcome][]): [string, Outcome][] {
  const seen = new Map<string, [string, Outcome]>()
  for (const read of reads) seen.set(`${read[1]}\u0000${read[0]}`, read)
  return [...seen.values()]
}
