import { z } from 'zod'
import { BadRequest, isFlowKeysError } from '../../base/errors'
import type { Core } from '../../core/open'
import type { RoutePlugin } from '../app'
import cookie from '@fastify/cookie'
import { actorOf, AUTH_SECURITY, requireUser, STORE_KEY_COOKIE } from '../guards/auth'
import { tokenCookie } from '../http/cookies'
import { uuidSchema } from '../http/uuid'
import { sendListing } from '../http/json-listing'

/** Langflow's ApiKeyRead: the key masked (first 8 characters, then `*`). */
export const ApiKeyReadSchema = z.object({
  id: z.string(),
  api_key: z.string(),
  name: z.string().nullable(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  total_uses: z.number(),
  is_active: z.boolean(),
  user_id: z.string(),
  expires_at: z.string().nullable(),
  /** FlowKeys: the flows the key may run through the gateway; null for no limit. */
  allowed_flows: z.array(z.string()).nullable()
})

const ApiKeysResponseSchema = z.object({
  total_count: z.number(),
  user_id: z.string(),
  api_keys: z.array(ApiKeyReadSchema)
})

/** Langflow's ApiKeyCreate: every field optional; the ones FlowKeys does not use are accepted and ignored. */
const ApiKeyCreateSchema = z.looseObject({
  name: z.string().nullable().optional(),
  /** ISO 8601, or a Unix time in seconds (pydantic reads numbers so). */
  expires_at: z.union([z.string(), z.number()]).nullable().optional(),
  /** FlowKeys: limit the key to these flows (ids or endpoint names); superusers only. */
  allowed_flows: z.array(z.string()).nullable().optional()
})

const ApiKeyStoreSchema = z.object({ api_key: z.string() })
const DetailSchema = z.object({ detail: z.string() })

/** pydantic's datetime from a number: seconds, or milliseconds past 2e10. */
function expiryText(value: string | number | null | undefined): string | null | undefined {
  if (typeof value !== 'number') return value
  const ms = Math.abs(value) > 2e10 ? value : value * 1000
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString()
}

/**
 * Langflow wraps each of these routes in `except Exception → 400 {detail: str(e)}`: a refusal of the core
 * (not found, bad input) is a 400 here, whatever its kind elsewhere. Other failures keep their status.
 */
async function as400<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work()
  } catch (err) {
    if (isFlowKeysError(err) && ['NotFound', 'BadRequest', 'Invalid', 'Conflict'].includes(err.kind)) {
      throw new BadRequest(err.message)
    }
    throw err
  }
}

/** `/api/v1/api_key/…` (contract §2). */
export function apiKeyRoutes(core: Pick<Core, 'keys' | 'users'>): RoutePlugin {
  return async (app) => {
    const tags = ['APIKey']
    // For api_key/store's cookie (as login.ts, only this family's routes get the plugin).
    await app.register(cookie)

    app.get(
      '/api/v1/api_key/',
      {
        preValidation: requireUser,
        schema: {
          tags,
          summary: "The caller's API keys (masked)",
          security: AUTH_SECURITY,
          response: { 200: ApiKeysResponseSchema }
        }
      },
      async (request, reply) => {
        const listing = await as400(() => core.keys.list(actorOf(request)))
        const { api_keys, ...fields } = listing
        return sendListing(reply, ApiKeyReadSchema, api_keys, listing, { fields, key: 'api_keys' })
      }
    )

    app.post(
      '/api/v1/api_key/',
      {
        preValidation: requireUser,
        schema: {
          tags,
          summary: 'Create an API key; the answer is the only time the full key is shown',
          security: AUTH_SECURITY,
          body: ApiKeyCreateSchema,
          response: { 200: ApiKeyReadSchema }
        }
      },
      async (request) => {
        const { name, expires_at, allowed_flows } = request.body
        const created = await as400(() =>
          core.keys.create(actorOf(request), { name, expires_at: expiryText(expires_at), allowed_flows })
        )
        return { ...created.key, api_key: created.api_key }
      }
    )

    app.delete(
      '/api/v1/api_key/:api_key_id',
      {
        preValidation: requireUser,
        schema: {
          tags,
          summary: 'Revoke (delete) one of your API keys',
          security: AUTH_SECURITY,
          params: z.object({ api_key_id: uuidSchema() }),
          response: { 200: DetailSchema }
        }
      },
      async (request) => {
        await as400(() => core.keys.revoke(actorOf(request), request.params.api_key_id))
        return { detail: 'API Key deleted' }
      }
    )

    app.post(
      '/api/v1/api_key/store',
      {
        preValidation: requireUser,
        schema: {
          tags,
          summary: "Save the caller's component-store API key (encrypted)",
          security: AUTH_SECURITY,
          body: ApiKeyStoreSchema,
          response: { 200: DetailSchema }
        }
      },
      async (request, reply) => {
        const sealed = await as400(() => core.users.setStoreApiKey(actorOf(request).id, request.body.api_key))
        reply.setCookie(STORE_KEY_COOKIE, sealed, tokenCookie())
        return { detail: 'API Key saved' }
      }
    )
  }
}
