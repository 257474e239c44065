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
