import type { FastifyInstance } from 'fastify'

/**
 * What Starlette's router does when no route matches, and Fastify does not:
 * 1. a route with this path but another method → 405 `{"detail":"Method Not Allowed"}` with `Allow`;
 * 2. the path with its trailing slash added or removed matches a route → 307 to that URL
 *    (`/api/v1/api_key` → `/api/v1/api_key/`), query string kept;
 * 3. otherwise 404 `{"detail":"Not Found"}`.
 *
 * Routes must be declared with their full path (Langflow's, slash included), not a plugin prefix plus '/': Fastify
 * would register both slash forms and the redirect would never happen.
 */
interface RoutePattern {
  method: string
  regex: RegExp
}

export class RouteTable {
  private readonly routes: RoutePattern[] = []

  add(method: string, url: string): void {
    this.routes.push({ method: method.toUpperCase(), regex: patternToRegex(url) })
  }

  /** Methods of the routes whose pattern matches this concrete path. */
  methodsFor(path: string): Set<string> {
    const methods = new Set<string>()
    for (const route of this.routes) if (route.regex.test(path)) methods.add(route.method)
    return methods
  }
}

/** A Fastify path pattern (`/a/:id`, `/static/*`) as a regular expression over concrete paths. */
export function patternToRegex(url: string): RegExp {
  let source = ''
  for (let i = 0; i < url.length; i++) {
    const ch = url[i] ?? ''
    if (ch === ':' && url[i + 1] === ':') {
      source += ':' // '::' is a literal colon
      i++
    } else if (ch === ':') {
      while (i + 1 < url.length && /[\w-]/.test(url[i + 1] ?? '')) i++
      if (url[i + 1] === '(') {
        // A parameter with its own regexp: approximate it by "one segment", enough to find the route.
        let depth = 0
        do {
          i++
          if (url[i] === '(') depth++
          else if (url[i] === ')') depth--
        } while (i < url.length && depth > 0)
      }
      source += '[^/]+'
    } else if (ch === '*') {
      source += '.*'
    } else {
      source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    }
  }
  return new RegExp(`^${source}$`)
}

export function registerRouting(app: FastifyInstance): RouteTable {
  const table = new RouteTable()
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) table.add(method, route.url)
  })

  app.setNotFoundHandler((request, reply) => {
    const raw = request.url
    const queryAt = raw.indexOf('?')
    const path = queryAt === -1 ? raw : raw.slice(0, queryAt)
    const query = queryAt === -1 ? '' : raw.slice(queryAt)

    const methods = table.methodsFor(path)
    if (methods.size > 0 && !methods.has(request.method)) {
      return reply
        .code(405)
        .header('allow', [...methods].join(', '))
        .send({ detail: 'Method Not Allowed' })
    }
    if (methods.size === 0 && path !== '/') {
      const other = path.endsWith('/') ? path.replace(/\/+$/, '') : `${path}/`
      if (other !== '' && table.methodsFor(other).size > 0) {
        // Starlette answers with an absolute URL built from the Host header (already checked by the hardening).
        return reply.redirect(`http://${request.headers.host ?? '127.0.0.1'}${other}${query}`, 307)
      }
    }
    return reply.code(404).send({ detail: 'Not Found' })
  })
  return table
}
