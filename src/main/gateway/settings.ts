import { Invalid } from '../base/errors'
import { DEFAULT_IDLE_TIMEOUT_MS } from '../upstream/client'
import type { CredentialCarrier } from './credentials'

/** `auto` asks the upstream's version; the others force a carrier. */
export type CarrierSetting = 'auto' | CredentialCarrier

import { VARIABLE_SCOPES, type VariableScope } from '../../shared/upstream-credentials'

export interface GatewaySettings {
  carrier: CarrierSetting
  /** FLOWKEYS_UPSTREAM_VARIABLES; null when unset (then the scope saved with the upstream decides). */
  variables: VariableScope | null
  /** How long the upstream may stay silent before a run is answered 504 (or its stream cut). */
  idleTimeoutMs: number
  /** Langflow's LANGFLOW_MAX_FILE_SIZE_UPLOAD (MB, 1024 by default): uploads stream through under it. */
  maxUploadBytes: number
}

export const CARRIER_VARIABLE = 'FLOWKEYS_UPSTREAM_CREDENTIALS'
export const SCOPE_VARIABLE = 'FLOWKEYS_UPSTREAM_VARIABLES'
export const TIMEOUT_VARIABLE = 'FLOWKEYS_UPSTREAM_TIMEOUT'
export const UPLOAD_LIMIT_VARIABLE = 'LANGFLOW_MAX_FILE_SIZE_UPLOAD'
const MB = 1024 * 1024
const CARRIERS: readonly CarrierSetting[] = ['auto', 'headers', 'tweaks']

/**
 * FLOWKEYS_UPSTREAM_CREDENTIALS (auto, headers, tweaks), FLOWKEYS_UPSTREAM_VARIABLES (all, named),
 * FLOWKEYS_UPSTREAM_TIMEOUT (s), the upload limit.
 */
export function gatewaySettingsFrom(env: NodeJS.ProcessEnv): GatewaySettings {
  const carrier = env[CARRIER_VARIABLE]?.trim().toLowerCase() || 'auto'
  if (!(CARRIERS as readonly string[]).includes(carrier))
    throw new Invalid(`${CARRIER_VARIABLE} must be auto, headers or tweaks (got ${carrier.slice(0, 40)})`)
  const variables = env[SCOPE_VARIABLE]?.trim().toLowerCase() || null
  if (variables !== null && !(VARIABLE_SCOPES as readonly string[]).includes(variables))
    throw new Invalid(`${SCOPE_VARIABLE} must be all or named (got ${variables.slice(0, 40)})`)
  const timeout = env[TIMEOUT_VARIABLE]?.trim()
  const seconds = timeout ? Number(timeout) : DEFAULT_IDLE_TIMEOUT_MS / 1000
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400)
    throw new Invalid(`${TIMEOUT_VARIABLE} must be a number of seconds from 0.001 to 86400`)
  const upload = env[UPLOAD_LIMIT_VARIABLE]?.trim()
  const megabytes = upload ? Number(upload) : 1024
  if (!Number.isInteger(megabytes) || megabytes < 1)
    throw new Invalid(`${UPLOAD_LIMIT_VARIABLE} must be a whole number of MB, 1 or more`)
  return {
    carrier: carrier as CarrierSetting,
    variables: variables as VariableScope | null,
    idleTimeoutMs: Math.round(seconds * 1000),
    maxUploadBytes: megabytes * MB
  }
}
