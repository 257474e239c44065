import { z } from 'zod'
import type { Core } from '../../core/open'
import type { UserUpdate } from '../../users/service'
import type { RoutePlugin } from '../app'
import { actorOf, AUTH_SECURITY, clientOf, optionalUser, requireSuperuser, requireUser } from '../guards/auth'
import { TOO_MANY_SIGNUPS } from '../../base/failure-limiter'
import { uuidSchema } from '../http/uuid'

/** Langflow's UserRead (sic: `create_at`); the component-store key only masked. */
export const UserReadSchema = z.object({
  id: z.string(),
  username: z.string(),
  profile_image: z.string().nullable(),
  store_api_key: z.string().nullable(),
  is_active: z.boolean(),
  is_superuser: z.boolean(),
  create_at: z.string(),
  updated_at: z.string(),
  last_login_at: z.string().nullable()
})

const UsersResponseSchema = z.object({ total_count: z.number(), users: z.array(UserReadSchema) })

const UserCreateSchema = z.object({
  username: z.string(),
  password: z.string(),
  /** Honoured for a superuser caller only (a sign-up is never active or privileged by its own say). */
  is_active: z.boolean().optional(),
  is_superuser: z.boolean().optional()
})

/** Langflow's UserUpdate: a null field is left alone, as Langflow skips None values. */
const UserUpdateSchema = z.object({
  username: z.string().nullable().optional(),
  profile_image: z.string().nullable().optional(),
  password: z.string().nullable().optional(),
  is_active: z.boolean().nullable().optional(),
  is_superuser: z.boolean().nullable().optional(),
  // Accepted and ignored: Langflow's frontend sends them; FlowKeys keeps no such data.
  last_login_at: z.string().nullable().optional(),
  optins: z.record(z.string(), z.unknown()).nullable().optional()
})

const PasswordResetSchema = z.object({
  password: z.string(),
  current_password: z.string().nullable().optional()
})

const INT_PARSING = {
  type: 'int_parsing',
  msg: 'Input should be a valid integer, unable to parse string as an integer'
}

/** An integer query parameter as FastAPI reads `skip: int = 0` (the last of repeated values). */
function queryInt(fallback: number) {
  return z
    .unknown()
    .optional()
    .transform((raw, ctx) => {
      const value = Array.isArray(raw) ? raw.at(-1) : raw
      if (value === undefined) return fallback
      const text = String(value).trim().replace(/_/g, '')
      if (/^[+-]?\d+$/.test(text)) return Number(text)
      ctx.addIssue({ code: 'custom', message: 'Invalid integer', params: { pydantic: INT_PARSING } })
      return z.NEVER
    })
    .meta({ type: 'integer', default: fallback })
}

/** A text query parameter as FastAPI reads `search: str | None = None` (the last of repeated values). */
function queryText() {
  return z
    .unknown()
    .optional()
    .transform((raw) => {
      const value = Array.isArray(raw) ? raw.at(-1) : raw
      return value === undefined ? undefined : String(value)
    })
    .meta({ type: 'string' })
}

const UserIdParams = z.object({ user_id: uuidSchema() })

/** The fields of a PATCH that change something (Langflow ignores None and the fields it does not store). */
function toPatch(body: z.infer<typeof UserUpdateSchema>): UserUpdate {
  const patch: UserUpdate = {}
  if (body.username != null) patch.username = body.username
  if (body.profile_image != null) patch.profile_image = body.profile_image
  if (body.password) patch.password = body.password
  if (body.is_active != null) patch.is_active = body.is_active
  if (body.is_superuser != null) patch.is_superuser = body.is_superuser
  return patch
}

/** `/api/v1/users/…` (contract §4). */
export function userRoutes(core: Pick<Core, 'users'>): RoutePlugin {
  return async (app) => {
    const tags = ['Users']

    app.post(
      '/api/v1/users/',
      {
        preValidation: optionalUser,
        schema: {
          tags,
          summary:
            'Sign up (no credentials; only with auto-login off: the account starts inactive) or, as a superuser, add a user',
          body: UserCreateSchema,
          response: { 201: UserReadSchema }
        }
      },
      async (request, reply) => {
        const actor = request.principal ? actorOf(request) : null
        if (!actor) {
          // Anonymous writes are bounded per client, every loopback address counting as one.
          const limiter = request.server.signupLimiter
          limiter.check(clientOf(request), TOO_MANY_SIGNUPS)
          limiter.recordFailure(clientOf(request))
        }
        const user = await core.users.create(actor, request.body)
        return reply.code(201).send(user)
      }
    )

    app.get(
      '/api/v1/users/whoami',
      {
        preValidation: requireUser,
        schema: {
          tags,
          summary: 'The calling user',
          security: AUTH_SECURITY,
          response: { 200: UserReadSchema }
        }
      },
      (request) => core.users.get(actorOf(request).id)
    )

    app.get(
      '/api/v1/users/',
      {
        preValidation: requireSuperuser,
        schema: {
          tags,
          summary: 'All users, a page at a time (superusers)',
          security: AUTH_SECURITY,
          querystring: z.looseObject({ skip: queryInt(0), limit: queryInt(10), search: queryText() }),
          response: { 200: UsersResponseSchema }
        }
      },
      async (request) => {
        const { skip, limit, search } = request.query
        return core.users.list(actorOf(request), {
          skip: Math.max(0, skip),
          limit: Math.max(0, limit),
          search
        })
      }
    )

    app.patch(
      '/api/v1/users/:user_id',
      {
        preValidation: requireUser,
        schema: {
          tags,
          summary: 'Update a user (superusers), or your own password, username or profile image',
          security: AUTH_SECURITY,
          params: UserIdParams,
          body: UserUpdateSchema,
          response: { 200: UserReadSchema }
        }
      },
      async (request) => core.users.update(actorOf(request), request.params.user_id, toPatch(request.body))
    )

    app.patch(
      '/api/v1/users/:user_id/reset-password',
      {
        preValidation: requireUser,
        schema: {
          tags,
          summary: 'Change your own password',
          security: AUTH_SECURITY,
          params: UserIdParams,
          body: PasswordResetSchema,
          response: { 200: UserReadSchema }
        }
      },
      async (request) =>
        core.users.resetPassword(
          actorOf(request),
          request.params.user_id,
          request.body.password,
          request.body.current_password
        )
    )

    app.delete(
      '/api/v1/users/:user_id',
      {
        preValidation: requireSuperuser,
        schema: {
          tags,
          summary: "Delete a user with its API keys and variables (superusers; not one's own account)",
          security: AUTH_SECURITY,
          params: UserIdParams,
          response: { 200: z.object({ detail: z.string() }) }
        }
      },
      async (request) => {
        await core.users.delete(actorOf(request), request.params.user_id)
        return { detail: 'User deleted' }
      }
    )
  }
}
