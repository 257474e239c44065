import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { describeUnexpected, logError, type ServerLogSink } from '../http/log'

/** Langflow's wording for a failing part, and its HealthResponse defaults. */
export const CHECK_FAILED = 'error check the server logs'

const HealthSchema = z.object({ status: z.literal('ok') })
const HealthCheckSchema = z.object({ status: z.string(), chat: z.string(), db: z.string() })
const HealthCheckFailedSchema = z.object({ detail: HealthCheckSchema })

export interface HealthDeps {
  /** Reads the store; false or a throw marks the database part as failing. Absent: always ok. */
  checkDb?: () => boolean | Promise<boolean>
  log: ServerLogSink
}

export function healthRoutes(deps: HealthDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/health',
      { schema: { tags: ['Health'], summary: 'Liveness', response: { 200: HealthSchema } } },
      async () => ({ status: 'ok' as const })
    )

    app.get(
      '/health_check',
      {
        schema: {
          tags: ['Health'],
          summary: 'Readiness: the store can be read',
          response: { 200: HealthCheckSchema, 500: HealthCheckFailedSchema }
        }
      },
      async (request, reply) => {
        let db = CHECK_FAILED
        try {
          if ((await deps.checkDb?.()) ?? true) db = 'ok'
          else logError(deps.log, request, 'health check: the store could not be read')
        } catch (err) {
          logError(deps.log, request, `health check: ${describeUnexpected(err)}`)
        }
        // Chat is Langflow's cache service; FlowKeys has none, so it cannot fail.
        const chat = 'ok'
        if (db !== 'ok') {
          // Langflow raises HTTPException(500, detail=HealthResponse) with status left at "nok".
          return reply.code(500).send({ detail: { status: 'nok', chat, db } })
        }
        return { status: 'ok', chat, db }
      }
    )
  }
}
