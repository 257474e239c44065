import { BadRequest, Invalid, NotFound } from '../base/errors'
import type { VariableType } from '../store/schema'
import { variableNotFound } from './model'

/** A user's variable as the resolver needs it; null when the user has none of that name. */
export type VariableLookup = (name: string) => { type: VariableType; value: string } | null

export interface ResolveFlowInput {
  /** Langflow's exported flow (`{ data: { nodes } }`), `{ nodes }`, or the list of nodes. Not modified. */
  flow: unknown
  /** Run-time tweaks as Langflow's /api/v1/run takes them. */
  tweaks?: Record<string, unknown> | null
  lookup: VariableLookup
  env?: NodeJS.ProcessEnv
  /** LANGFLOW_FALLBACK_TO_ENV_VAR. */
  fallbackToEnv: boolean
  /** Report every unresolved field in `errors` instead of throwing on the first one (Langflow stops there). */
  collectErrors?: boolean
}

/** Where a credential field's value comes from, highest precedence first. */
export type CredentialSource = 'tweak' | 'flow' | 'variable' | 'env'

export interface ResolvedField {
  nodeId: string
  field: string
  source: CredentialSource
  /** The variable the value was read from ('variable', 'env'); null for literal values. */
  variable: string | null
}

export interface ResolveError {
  nodeId: string
  field: string
  variable: string
  kind: 'NotFound' | 'BadRequest'
  message: string
}

export interface ResolvedCredentials {
  /** `{ [nodeId]: { [field]: value } }` filling every field that loads from the database. Holds secrets. */
  tweaks: Record<string, Record<string, string>>
  /** The caller's tweaks with `tweaks` merged in: what to send to Langflow's /api/v1/run. Holds secrets. */
  runTweaks: Record<string, unknown>
  /** Every credential field and where its value came from; no values, safe to log. */
  fields: ResolvedField[]
  /** Only with `collectErrors`. */
  errors: ResolveError[]
}

export function sessionIdGuardMessage(name: string): string {
  return (
    `variable ${name} of type 'Credential' cannot be used in a Session ID field ` +
    'because its purpose is to prevent the exposure of values.'
  )
}

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A template field as far as credentials go; the flow itself is never modified. */
interface FieldState {
  name: string
  type: string
  value: unknown
  hasLoadFromDb: boolean
  loadFromDb: boolean
  /** Loaded from the database in the flow as saved. */
  wasLoadFromDb: boolean
  password: boolean
  tweaked: boolean
}

interface NodeState {
  id: string
  displayName: unknown
  fields: Map<string, FieldState>
}

/** Langflow's validate_input: `data.nodes`, else `nodes`. */
function flowNodes(flow: unknown): unknown[] {
  if (Array.isArray(flow)) return flow
  if (isObject(flow)) {
    const data = flow.data
    if (isObject(data) && Array.isArray(data.nodes) && data.nodes.length > 0) return data.nodes
    if (Array.isArray(flow.nodes)) return flow.nodes
    if (isObject(data) && Array.isArray(data.nodes)) return data.nodes
  }
  throw new Invalid('The flow must be Langflow flow JSON with a list of nodes (data.nodes or nodes)')
}

function readNode(raw: unknown): NodeState | null {
  if (!isObject(raw) || typeof raw.id !== 'string') return null
  const node = isObject(raw.data) ? raw.data.node : undefined
  if (!isObject(node) || !isObject(node.template)) return null
  const fields = new Map<string, FieldState>()
  for (const [name, field] of Object.entries(node.template)) {
    // `_type` and friends are plain strings, not fields.
    if (!isObject(field)) continue
    const loadFromDb = Boolean(field.load_from_db)
    fields.set(name, {
      name,
      type: typeof field.type === 'string' ? field.type : '',
      value: field.value,
      hasLoadFromDb: Object.hasOwn(field, 'load_from_db'),
      loadFromDb,
      wasLoadFromDb: loadFromDb,
      password: field.password === true,
      tweaked: false
    })
  }
  return { id: raw.id, displayName: node.display_name, fields }
}

/** Langflow's apply_tweaks, reduced to what decides a field's value and load_from_db. */
function applyNodeTweaks(node: NodeState, tweaks: Json): void {
  for (const [name, tweak] of Object.entries(tweaks)) {
    const field = node.fields.get(name)
    if (!field || name === 'code') continue
    if (field.type === 'NestedDict' || field.type === 'mcp' || (field.type === 'dict' && isObject(tweak))) {
      field.value = tweak
      continue
    }
    field.tweaked = true
    if (isObject(tweak)) {
      for (const [key, v] of Object.entries(tweak)) {
        // A file field takes every key of a dict tweak as its path, load_from_db included.
        if (field.type === 'file') continue
        if (key === 'value') field.value = v
        if (key === 'load_from_db') {
          field.hasLoadFromDb = true
          field.loadFromDb = Boolean(v)
        }
      }
      if (!Object.hasOwn(tweak, 'load_from_db') && field.hasLoadFromDb) field.loadFromDb = false
    } else {
      if (field.type !== 'file') field.value = tweak
      if (field.hasLoadFromDb) field.loadFromDb = false
    }
  }
}

/** Langflow's process_tweaks: node tweaks by id (or display name), then scalar tweaks on every node. */
function applyTweaks(nodes: NodeState[], tweaks: Json): void {
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const byDisplayName = new Map(nodes.map((n) => [n.displayName, n]))
  const everyNode: [string, unknown][] = []
  for (const [key, value] of Object.entries(tweaks)) {
    if (isObject(value)) {
      const node = byId.get(key) ?? byDisplayName.get(key)
      if (node) applyNodeTweaks(node, value)
    } else {
      everyNode.push([key, value])
    }
  }
  if (everyNode.length > 0) for (const node of nodes) applyNodeTweaks(node, Object.fromEntries(everyNode))
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return ''
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/**
 * Langflow's credential resolution for one run of `flow` (§5 of the contract). For each field loading from the
 * database, by precedence: a tweak (a plain value replaces it; `{value: NAME, load_from_db: true}` points it at
 * variable NAME), a literal in the flow, the user's variable, the process environment when `fallbackToEnv`,
 * else `<NAME> variable not found.`. A Credential never fills a `session_id` field. An empty name is skipped,
 * as Langflow skips it.
 */
export function resolveFlowCredentials(input: ResolveFlowInput): ResolvedCredentials {
  const nodes = flowNodes(input.flow)
    .map(readNode)
    .filter((n): n is NodeState => n !== null)
  if (input.tweaks) applyTweaks(nodes, input.tweaks)
  const env = input.env ?? {}
  const fields: ResolvedField[] = []
  const errors: ResolveError[] = []
  // Maps, not objects: node ids and field names come from the flow file and may be `__proto__`.
  const filled = new Map<string, Map<string, string>>()

  const fill = (
    node: NodeState,
    field: FieldState,
    value: string,
    source: CredentialSource,
    variable: string | null
  ) => {
    let forNode = filled.get(node.id)
    if (!forNode) filled.set(node.id, (forNode = new Map()))
    forNode.set(field.name, value)
    fields.push({ nodeId: node.id, field: field.name, source, variable })
  }
  const fail = (node: NodeState, field: FieldState, variable: string, error: NotFound | BadRequest) => {
    if (!input.collectErrors) throw error
    const kind = error instanceof NotFound ? 'NotFound' : 'BadRequest'
    errors.push({ nodeId: node.id, field: field.name, variable, kind, message: error.message })
  }

  for (const node of nodes) {
    for (const field of node.fields.values()) {
      if (field.loadFromDb) {
        if (typeof field.value !== 'string' || field.value === '') continue
        const name = field.value
        const found = input.lookup(name)
        // Own keys only: `toString` names a variable, not Object.prototype's method.
        const fromEnv = input.fallbackToEnv && Object.hasOwn(env, name) ? env[name] : undefined
        if (found) {
          if (found.type === 'Credential' && field.name === 'session_id') {
            fail(node, field, name, new BadRequest(sessionIdGuardMessage(name)))
          } else {
            fill(node, field, found.value, 'variable', name)
          }
        } else if (typeof fromEnv === 'string' && fromEnv !== '') {
          fill(node, field, fromEnv, 'env', name)
        } else {
          fail(node, field, name, new NotFound(variableNotFound(name)))
        }
      } else if (field.tweaked && (field.wasLoadFromDb || field.password)) {
        const value = asText(field.value)
        if (value !== '') fill(node, field, value, 'tweak', null)
      } else if (!field.tweaked && (field.wasLoadFromDb || field.password) && asText(field.value) !== '') {
        fields.push({ nodeId: node.id, field: field.name, source: 'flow', variable: null })
      }
    }
  }
  return {
    tweaks: Object.fromEntries([...filled].map(([id, values]) => [id, Object.fromEntries(values)])),
    runTweaks: mergeTweaks(input.tweaks ?? {}, nodes, filled),
    fields,
    errors
  }
}

/**
 * The caller's tweaks plus ours, keyed by node id. Fields we filled are taken out of the caller's per-node
 * tweaks (which may point Langflow at its own database) so that Langflow uses our values whatever the order.
 */
function mergeTweaks(
  tweaks: Json,
  nodes: NodeState[],
  filled: Map<string, Map<string, string>>
): Record<string, unknown> {
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const byDisplayName = new Map(nodes.map((n) => [n.displayName, n]))
  const merged = new Map<string, unknown>()
  for (const [key, value] of Object.entries(tweaks)) {
    const node = isObject(value) ? (byId.get(key) ?? byDisplayName.get(key)) : undefined
    const ours = node ? filled.get(node.id) : undefined
    merged.set(
      key,
      ours ? Object.fromEntries(Object.entries(value as Json).filter(([f]) => !ours.has(f))) : value
    )
  }
  for (const [nodeId, values] of filled) {
    const existing = merged.get(nodeId)
    merged.set(nodeId, Object.fromEntries([...Object.entries(isObject(existing) ? existing : {}), ...values]))
  }
  return Object.fromEntries(merged)
}
