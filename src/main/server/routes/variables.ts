import { z } from 'zod'
import type { Core } from '../../core/open'
import type { RoutePlugin } from '../app'
import { AUTH_SECURITY, principalOf, requireUser } from '../guards/auth'
import { uuidSchema } from '../http/uuid'
import { sendListing } from '../http/json-listing'

/** Langflow's VariableRead; `value` is always null for a Credential (the core sees to it). */
export const VariableReadSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['Credential', 'Generic']),
  value: z.string().nullable(),
  default_fields: z.array(z.string())
})

/** `''` and null mean Credential, as Langflow's `variable.type or CREDENTIAL_TYPE`. */
const VariableTypeSchema = z.enum(['Credential', 'Generic', '']).nullable().optional()
const DefaultFieldsSchema = z.array(z.string()).nullable().optional()

/**
 * Langflow's VariableCreate, fields in its order (pydantic reports missing fields so). Emptiness is not a schema
 * rule: Langflow answers an empty name or value with 400 after validation, and so does the core.
 */
const VariableCreateSchema = z.object({
  name: z.string(),
  value: z.string(),
  default_fields: DefaultFieldsSchema,
  type: VariableTypeSchema
})

/**
 * Langflow's VariableUpdate. `id` is required but only the path id finds the variable; Langflow would also copy
 * the body id onto the record (changing its primary key), which FlowKeys does not: ids never change.
 */
const VariableUpdateSchema = z.object({
  id: uuidSchema(),
  name: z.string().nullable().optional(),
  value: z.string().nullable().optional(),
  default_fields: DefaultFieldsSchema,
  type: VariableTypeSchema
})

const VariableIdParams = z.object({ variable_id: uuidSchema() })

/** `/api/v1/variables/…` (contract §3), each on the caller's own variables only. */
export function variableRoutes(core: Pick<Core, 'variables'>): RoutePlugin {
  return async (app) => {
    const tags = ['Variables']

    app.post(
      '/api/v1/variables/',
      {
        preValidation: requireUser,
        schema: {
          tags,
          summary: 'Create a global variable (encrypted at rest)',
          security: AUTH_SECURITY,
          body: VariableCreateSchema,
          response: { 201: VariableReadSchema }
        }
      },
      async (request, reply) => {
        const created = await core.variables.create(principalOf(request).user.id, request.body)
        return reply.code(201).send(created)
      }
    )

    app.get(
      '/api/v1/variables/',
      {
        preValidation: requireUser,
        schema: {
          tags,
          summary: "The caller's variables (Credential values are never shown)",
          security: AUTH_SECURITY,
          response: { 200: z.array(VariableReadSchema).readonly() }
        }
      },
      async (request, reply) => {
        const listing = await core.variables.list(principalOf(request).user.id)
        return sendListing(reply, VariableReadSchema, listing, listing)
      }
    )

    app.patch(
      '/api/v1/variables/:variable_id',
      {
        preValidation: requireUser,
        schema: {
          tags,
          summary: 'Update a variable; fields left out keep their stored value',
          security: AUTH_SECURITY,
          params: VariableIdParams,
          body: VariableUpdateSchema,
          response: { 200: VariableReadSchema }
        }
      },
      async (request) => {
        const { id: _bodyId, ...patch } = request.body
        return core.variables.update(principalOf(request).user.id, request.params.variable_id, patch)
      }
    )

    app.delete(
      '/api/v1/variables/:variable_id',
      {
        preValidation: requireUser,
        schema: {
          tags,
          summary: 'Delete a variable',
          security: AUTH_SECURITY,
          params: VariableIdParams
        }
      },
      async (request, reply) => {
        await core.variables.delete(principalOf(request).user.id, request.params.variable_id)
        return reply.code(204).send()
      }
    )
  }
}
