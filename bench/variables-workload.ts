import { apiKeyHeader, type BenchContext } from './context'
import type { ServerMode } from './server-child'

/**
 * The request the throughput and instruction-count benchmarks share: an authenticated list of 20 variables
 * (4 of them Generic, so each answer decrypts 4 values), by 10 connections at once.
 */
export const VARIABLES = 20
export const GENERIC = 4
export const CONNECTIONS = 10
export const VARIABLES_PATH = '/api/v1/variables/'

export const SERVER_LABELS: Record<ServerMode, string> = {
  flowkeys: 'FlowKeys key server',
  fastify: 'bare Fastify (same bytes, no hooks or auth)',
  bare: 'bare `node:http` (same bytes)'
}

/** A data directory with the superuser's key and the variables; the headers that authenticate the request. */
export async function prepareVariablesWorkload(
  ctx: BenchContext,
  name: string
): Promise<{ dir: string; headers: Record<string, string> }> {
  const { dir, keys } = await ctx.prepare(name, {
    keys: 1,
    variables: VARIABLES,
    variableOptions: { generic: GENERIC }
  })
  return { dir, headers: apiKeyHeader(keys[0]!) }
}
