import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyHttpsOptions,
  type FastifyServerOptions
} from 'fastify'
import type { Server as HttpsServer } from 'node:https'
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod'
import { bodyPlugin } from './http/body'
import { registerErrorHandler } from './http/errors'
import { hardeningPlugin, type HardeningOptions, LIMITS, setSafetyHeaders } from './guards/hardening'
import { accessLogPlugin, type ServerLogSink } from './http/log'
import { FailureLimiter } from '../base/failure-limiter'
import { registerDocs } from './routes/docs'
import { healthRoutes } from './routes/health'
import { registerRouting } from './http/routing'
import { serializerCompiler } from './http/serializer'
import { validatorCompiler } from './http/validation'

/** A route family: a Fastify plugin with zod schemas, registered at the root with full Langflow paths. */
export type RoutePlugin = FastifyPluginAsyncZod

/** What the server needs from the rest of the app. The core fills it; route families close over what they use. */
export interface ServerDeps {
  /** Route families (api_key, users, login, variables…), registered in this order after the built-in ones. */
  plugins?: RoutePlugin[]
  /** `/health_check`'s database part: reads the store; false or a throw answers 500. */
  checkDb?: () => boolean | Promise<boolean>
  /** Run once when the server closes, after the last in-flight request finished (e.g. flush usage counters). */
  onClose?: (() => void | Promise<void>)[]
}

export interface ServerOptions extends HardeningOptions {
  /** Access, error and warning entries; nothing is logged without it. Never receives a query string or header. */
  log?: ServerLogSink
  /** The failed-authentication limiter; a fresh one (20 failures per 60 s) when absent. */
  failureLimiter?: FailureLimiter
  /** Anonymous sign-ups; a fresh one (10 per 60 s, all of loopback counting as one client) when absent. */
  signupLimiter?: FailureLimiter
  /** Shown in the OpenAPI document. */
  version?: string
  /** Serve HTTPS with this certificate and private key (PEM, already checked: see start.ts). Plain HTTP without. */
  https?: TlsMaterial
}

/** A certificate (with its chain, if any) and its private key, PEM, as read from the operator's files. */
export interface TlsMaterial {
  cert: Buffer
  key: Buffer
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Failed-authentication limiter shared by every auth path. */
    failureLimiter: FailureLimiter
    /** Anonymous writes (sign-ups) per client. */
    signupLimiter: FailureLimiter
  }
}

/** The key server, ready to `listen` (see start.ts) or to `inject` into. */
export async function buildServer(
  deps: ServerDeps = {},
  options: ServerOptions = {}
): Promise<FastifyInstance> {
  const log = options.log ?? {}
  const config: FastifyServerOptions = {
    // Fastify's logger would print URLs with their query (`?x-api-key=`) and error details: log.ts replaces it.
    logger: false,
    bodyLimit: LIMITS.bodyLimit,
    requestTimeout: LIMITS.requestTimeout,
    connectionTimeout: LIMITS.connectionTimeout,
    keepAliveTimeout: LIMITS.keepAliveTimeout,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // FastAPI validates an over-long id and answers 422; Fastify would answer 404 past 100 characters.
    routerOptions: { maxParamLength: 1000 },
    // A path with broken percent-encoding is a bad request, not a crash and not Fastify's JSON error shape.
    // Fastify answers it before any hook runs: the safety headers are set, and the answer logged, here.
    frameworkErrors: (_err, request, reply) => {
      setSafetyHeaders(reply as FastifyReply)
      void (reply as FastifyReply).code(400).send({ detail: 'Bad Request' })
      app.logAnswer(request as FastifyRequest, reply as FastifyReply)
    }
  }
  // Fastify types an HTTPS instance by its server class; the routes and hooks see the same API either way.
  const app: FastifyInstance = options.https
    ? (Fastify({
        ...config,
        https: { cert: options.https.cert, key: options.https.key }
      } as FastifyHttpsOptions<HttpsServer>) as unknown as FastifyInstance)
    : Fastify(config)
  app.server.headersTimeout = LIMITS.headersTimeout

  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.decorate('failureLimiter', options.failureLimiter ?? new FailureLimiter())
  app.decorate('signupLimiter', options.signupLimiter ?? new FailureLimiter({ maxFailures: 10 }))

  registerErrorHandler(app, log)
  registerRouting(app)
  // Root plugins (fastify-plugin), each for every route registered after it.
  // Only what the hardening reads: the TLS key stays out of plugin options.
  await app.register(hardeningPlugin, {
    allowedHosts: options.allowedHosts,
    allowedOrigins: options.allowedOrigins
  })
  await app.register(accessLogPlugin, { log })
  await app.register(bodyPlugin, { bodyLimit: LIMITS.bodyLimit })

  for (const hook of deps.onClose ?? []) app.addHook('onClose', async () => hook())

  await registerDocs(app, options.version ?? '0.0.0')
  const typed = app.withTypeProvider<ZodTypeProvider>()
  await typed.register(healthRoutes({ checkDb: deps.checkDb, log }))
  for (const plugin of deps.plugins ?? []) await typed.register(plugin)

  await app.ready()
  return app
}
