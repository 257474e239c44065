import autocannon, { type Request } from 'autocannon'

export interface LoadOptions {
  /** One path, or several requests cycled through by each connection. */
  path?: string
  requests?: Request[]
  headers?: Record<string, string>
  connections?: number
  seconds: number
}

export interface LoadResult {
  /** Mean requests per second over the run. */
  rps: number
  /** Latency percentiles, in whole ms as autocannon records them, and the mean, in ms. */
  p50: number
  p99: number
  mean: number
  total: number
}

/**
 * Drives `baseUrl` with autocannon over loopback. A run that got errors or non-2xx answers is a broken
 * benchmark (a rate limit, a bad key), not a result: it throws.
 */
export async function load(baseUrl: string, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: baseUrl + (options.path ?? ''),
    connections: options.connections ?? 10,
    pipelining: 1,
    duration: options.seconds,
    headers: options.headers,
    requests: options.requests,
    timeout: 30
  })
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(
      `load on ${options.path ?? 'requests'}: ${result.errors} errors, ${result.non2xx} non-2xx ${JSON.stringify(result.statusCodeStats)}`
    )
  }
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.average,
    total: result.requests.total
  }
}

/**
 * Unmeasured load right before each measured round. Between its rounds a server sits idle while the others are
 * measured (12 s and more), and the first second of load after such a pause is not its steady state: V8's
 * memory reducer runs full collections in the pause, in which objects that optimised code was built on die,
 * and that code is dropped with them (about 100 functions of Node's HTTP stack, Fastify and FlowKeys,
 * deoptimised for "weak objects" as --trace-deopt shows); the load generator starts afresh too. Measured on
 * the FlowKeys server on this VM: the first second after a 20 s pause ran 35-50% below the five seconds that
 * followed, and still 20-35% below them with the memory reducer turned off. Every server gets this second
 * before it is measured.
 */
export const REWARM_SECONDS = 1

/** REWARM_SECONDS of `options`' load, unmeasured: call it right before a measured round. */
export async function rewarm(baseUrl: string, options: LoadOptions): Promise<void> {
  await load(baseUrl, { ...options, seconds: REWARM_SECONDS })
}
