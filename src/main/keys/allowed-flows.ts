import { BadRequest } from '../base/errors'

/** A key lists at most this many flows, each named by at most this many characters (ids are 36). */
export const MAX_ALLOWED_FLOWS = 100
export const MAX_FLOW_NAME = 255

/**
 * The flow list of a new key, as stored: null (no limit) stays null; names are trimmed and deduplicated, ids
 * lower-cased (Langflow's UUIDs match in any case). An empty list, or a blank or over-long name, is refused.
 */
export function normalizeAllowedFlows(flows: readonly string[] | null | undefined): string[] | null {
  if (flows === null || flows === undefined) return null
  if (flows.length === 0)
    throw new BadRequest('allowed_flows must name at least one flow (leave it out for no limit)')
  if (flows.length > MAX_ALLOWED_FLOWS)
    throw new BadRequest(`allowed_flows names at most ${MAX_ALLOWED_FLOWS} flows`)
  const out = new Set<string>()
  for (const raw of flows) {
    const name = canonicalFlow(raw)
    if (name === '') throw new BadRequest('allowed_flows holds an empty flow name')
    if (name.length > MAX_FLOW_NAME)
      throw new BadRequest(`A flow name in allowed_flows is too long (at most ${MAX_FLOW_NAME} characters)`)
    out.add(name)
  }
  return [...out]
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i

/** How a flow reference compares: a UUID in its dashed lower-case form, an endpoint name as written. */
export function canonicalFlow(reference: string): string {
  const name = reference.trim()
  if (!UUID.test(name)) return name
  const hex = name.replace(/-/g, '').toLowerCase()
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** Whether a key with `allowed` may run the flow named `reference` (by id or endpoint name). */
export function flowAllowed(allowed: readonly string[] | null, reference: string): boolean {
  return allowed === null || allowed.includes(canonicalFlow(reference))
}
