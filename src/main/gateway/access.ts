import type { Principal } from '../auth/service'
import { Forbidden } from '../base/errors'
import { flowAllowed } from '../keys/allowed-flows'
import { PROOF_REQUIRED } from '../users/actor'

export const GATEWAY_NEEDS_GRANT =
  'Only superusers, and keys a superuser limited to named flows, may run flows through FlowKeys: ask for such a key'
export const FILES_NEED_SUPERUSER =
  "Only superusers may use the Langflow upstream's file store through FlowKeys (its files are its owner's)"

export function flowNotAllowed(flow: string): string {
  return `This API key may not run the flow ${flow.slice(0, 255)}`
}

/**
 * Who may run flow `flow` (an id or endpoint name) through the upstream. Every run reaches the upstream as the
 * owner of the upstream key, so: a proven caller (never auto-login); a superuser, within its key's flow list if
 * it has one; anyone else only with a key a superuser limited to flows, and only those (SECURITY.md).
 */
export function checkRunAccess(principal: Principal, flow: string): void {
  if (principal.via === 'auto_login') throw new Forbidden(PROOF_REQUIRED)
  const allowed = principal.apiKey?.allowedFlows ?? null
  if (!principal.user.is_superuser && allowed === null) throw new Forbidden(GATEWAY_NEEDS_GRANT)
  if (!flowAllowed(allowed, flow)) throw new Forbidden(flowNotAllowed(flow))
}

/** The upstream's user files (`/api/v2/files`) belong to no flow: superusers without a flow-limited key only. */
export function checkFilesAccess(principal: Principal): void {
  if (principal.via === 'auto_login') throw new Forbidden(PROOF_REQUIRED)
  if (!principal.user.is_superuser || (principal.apiKey?.allowedFlows ?? null) !== null)
    throw new Forbidden(FILES_NEED_SUPERUSER)
}
