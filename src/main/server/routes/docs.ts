import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'
import { setDocumentHeaders } from '../guards/hardening'

export const API_TITLE = 'FlowKeys (Langflow-compatible API)'

/**
 * OpenAPI 3.1 from the routes' zod schemas, at `/openapi.json` (FastAPI's path), and Swagger UI at `/docs`,
 * served from local files (no CDN: the server works offline and loads nothing foreign).
 *
 * Must be registered before any route family: @fastify/swagger collects routes as they are added.
 */
export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: API_TITLE,
        version,
        description:
          "The local key server of FlowKeys. It speaks Langflow's REST API for API keys, global variables, " +
          'login and users, on 127.0.0.1 only.'
      },
      components: {
        securitySchemes: {
          'API key header': { type: 'apiKey', in: 'header', name: 'x-api-key' },
          'API key query': { type: 'apiKey', in: 'query', name: 'x-api-key' },
          'Bearer token': { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }
        }
      }
    },
    transform: jsonSchemaTransform
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true },
    uiHooks: {
      onRequest: (_request, reply, done) => {
        setDocumentHeaders(reply)
        done()
      }
    },
    // Everything is local: the page may load only from this server. (The plugin's own CSP adds
    // upgrade-insecure-requests, which would send the assets to https://127.0.0.1 and break the page.)
    staticCSP:
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
      "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}
