import { BadRequest } from '../base/errors'
import { resolveFlowCredentials, type VariableLookup } from '../variables/resolve'

/** How the caller's credentials reach the upstream's run. */
export type CredentialCarrier = 'headers' | 'tweaks'

/** Langflow's request-scoped variables (LANGFLOW_GLOBAL_VAR_HEADER_PREFIX, honoured by /api/v1/run from 1.8.0). */
export const GLOBAL_VAR_HEADER_PREFIX = 'X-LANGFLOW-GLOBAL-VAR-'

export interface CredentialPlan {
  carrier: CredentialCarrier
  /** Request headers to add (headers carrier): one per variable handed over. Hold secrets. */
  headers: Record<string, string>
  /** The run's tweaks (tweaks carrier: the caller's, with the credentials filled in; else the caller's own). */
  tweaks: Record<string, unknown> | null
  /** The variables handed over, by name (for the access log; no values). */
  served: string[]
}

// Langflow upper-cases the name it reads from the header: only upper-case names that are header tokens survive.
const HEADER_NAME = /^[A-Z0-9_!#$%&'*+.^`|~-]+$/
// A header value is one line; surrounding blanks would be trimmed by the upstream's parser.
const HEADER_VALUE = /^(?:[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?)$/

function fitsHeader(name: string, value: string): boolean {
  return HEADER_NAME.test(name) && HEADER_VALUE.test(value)
}

/**
 * The most the variables' header lines may take: uvicorn's h11 parser refuses a request head past 16 KiB and
 * nginx a header line past 8 KiB; the rest is left to the client's own headers.
 */
export const HEADER_BUDGET = 8 * 1024
/** `X-LANGFLOW-GLOBAL-VAR-NAME: value\r\n` */
const headerLineLength = (name: string, value: string): number =>
  GLOBAL_VAR_HEADER_PREFIX.length + name.length + value.length + 4

function asHeaders(values: Iterable<[string, string]>): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of values) headers[GLOBAL_VAR_HEADER_PREFIX + name] = value
  return headers
}

/**
 * Every variable of the caller as Langflow's request-scoped variables, without reading the flow: Langflow itself
 * lets any flow a user runs load any of that user's variables, and a field loads the one it names (a client's
 * tweak still wins). Null when one of them cannot go as a header, or all of them pass HEADER_BUDGET: then the
 * flow is read and only what it names is sent (planCredentials).
 */
export function allAsHeaders(
  variables: { names: readonly string[]; lookup: VariableLookup },
  tweaks: Record<string, unknown> | null
): CredentialPlan | null {
  let length = 0
  for (const name of variables.names) {
    if (!HEADER_NAME.test(name)) return null
    length += headerLineLength(name, '')
  }
  if (length > HEADER_BUDGET) return null
  const values: [string, string][] = []
  length = 0
  for (const name of variables.names) {
    const { value } = variables.lookup(name)!
    length += headerLineLength(name, value)
    if (length > HEADER_BUDGET || !HEADER_VALUE.test(value)) return null
    values.push([name, value])
  }
  return { carrier: 'headers', headers: asHeaders(values), tweaks, served: [...variables.names] }
}

/**
 * What a run of `flow` needs from the caller's variables, and how to send it. Only the variables the flow's
 * fields name leave FlowKeys; the caller's own tweaks win, as in Langflow. A variable the caller does not have is
 * left to the upstream (its own global variables). With `headers`, values go as request-scoped variables when
 * every one fits in a header and all in HEADER_BUDGET; otherwise, and on older upstreams, as tweaks.
 */
export function planCredentials(input: {
  flow: unknown
  tweaks: Record<string, unknown> | null
  lookup: VariableLookup
  headersHonoured: boolean
}): CredentialPlan {
  // Each variable is decrypted once, however many fields name it.
  const seen = new Map<string, ReturnType<VariableLookup>>()
  const lookup: VariableLookup = (name) => {
    if (!seen.has(name)) seen.set(name, input.lookup(name))
    return seen.get(name)!
  }
  const result = resolveFlowCredentials({
    flow: input.flow,
    tweaks: input.tweaks,
    lookup,
    fallbackToEnv: false,
    collectErrors: true
  })
  const refused = result.errors.find((e) => e.kind === 'BadRequest')
  if (refused) throw new BadRequest(refused.message)
  const values = new Map<string, string>()
  for (const field of result.fields) {
    if (field.source !== 'variable' || field.variable === null) continue
    values.set(field.variable, lookup(field.variable)!.value)
  }
  const served = [...values.keys()]
  const pairs = [...values]
  const fit =
    pairs.every(([name, value]) => fitsHeader(name, value)) &&
    pairs.reduce((sum, [name, value]) => sum + headerLineLength(name, value), 0) <= HEADER_BUDGET
  if (input.headersHonoured && fit)
    return { carrier: 'headers', headers: asHeaders(values), tweaks: input.tweaks, served }
  return { carrier: 'tweaks', headers: {}, tweaks: asLiterals(result.runTweaks, result.tweaks), served }
}

/**
 * The filled fields in the dict form `{value, load_from_db: false}`: releases before 1.8 kept `load_from_db`
 * on a tweaked field and read a plain tweak as a variable's name; this form is a literal on every release.
 */
function asLiterals(
  runTweaks: Record<string, unknown>,
  filled: Record<string, Record<string, string>>
): Record<string, unknown> {
  // Maps, not objects: node ids and field names come from the flow and may be `__proto__`.
  const out = new Map(Object.entries(runTweaks))
  for (const [nodeId, fields] of Object.entries(filled)) {
    const existing = out.get(nodeId)
    const node = new Map(Object.entries(typeof existing === 'object' && existing !== null ? existing : {}))
    for (const [field, value] of Object.entries(fields)) node.set(field, { value, load_from_db: false })
    out.set(nodeId, Object.fromEntries(node))
  }
  return Object.fromEntries(out)
}

/** The variable a request-variable header sets, named as Langflow names it (the rest of the name, upper-cased). */
export function requestVariableName(header: string): string {
  return header.slice(GLOBAL_VAR_HEADER_PREFIX.length).toUpperCase()
}

/** The caller's variables but those named in `names` (the client sends its own value for them). */
export function leavingOut(
  variables: { names: readonly string[]; lookup: VariableLookup },
  names: ReadonlySet<string>
): { names: readonly string[]; lookup: VariableLookup } {
  if (names.size === 0) return variables
  return {
    names: variables.names.filter((name) => !names.has(name)),
    lookup: (name) => (names.has(name) ? null : variables.lookup(name))
  }
}

/** Whether a Langflow release reads X-LANGFLOW-GLOBAL-VAR-* headers on /api/v1/run (1.8.0 and later). */
export function honoursGlobalVarHeaders(version: string | null): boolean {
  const match = /^v?(\d+)\.(\d+)/.exec(version ?? '')
  if (!match) return false
  const [major, minor] = [Number(match[1]), Number(match[2])]
  return major > 1 || (major === 1 && minor >= 8)
}
