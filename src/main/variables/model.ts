import { BadRequest, Invalid, NotFound } from '../base/errors'
import { checkLength, LIMITS } from '../store/limits'
import type { Store, StoreOps } from '../store/backend'
import { MissingUser, UniqueViolation } from '../store/errors'
import type { VariableRecord, VariableType } from '../store/schema'
import type { Vault } from '../vault/vault'

/** Langflow's VariableRead: exactly these fields; the value of a Credential never leaves the core this way. */
export interface VariableRead {
  id: string
  name: string
  type: VariableType
  value: string | null
  default_fields: string[]
}

/** The app's view (IPC only, never the HTTP shape): VariableRead with the record's times. */
export interface VariableDetail extends VariableRead {
  created_at: string
  updated_at: string
}

/** What the privileged read returns (the credential endpoint, `flowkeys run`, the resolver). */
export interface VariableValue {
  name: string
  type: VariableType
  value: string
}

export interface VariableCreate {
  name: string
  value: string
  /** Credential when null, empty or left out. */
  type?: VariableType | '' | null
  default_fields?: string[] | null
}

/** A field left out (or null) keeps its stored value. */
export interface VariableUpdate {
  name?: string | null
  value?: string | null
  type?: VariableType | '' | null
  default_fields?: string[] | null
}

export const VARIABLE_NOT_FOUND = 'Variable not found'
export const NAME_EXISTS = 'Variable name already exists'

/** Langflow's message when a flow or a caller asks for a variable the user does not have. */
export function variableNotFound(name: string): string {
  return `${name} variable not found.`
}

/** Names like `__disabled_models__` are Langflow's internal settings: stored, but not listed. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('__') && name.endsWith('__')
}

/** Langflow's emptiness checks, in Langflow's order; `undefined` means "not given" (a PATCH). */
export function checkNotEmpty(name: string | undefined, value: string | undefined): void {
  if (name === '' && value === '') throw new BadRequest('Variable name and value cannot be empty')
  if (name === '') throw new BadRequest('Variable name cannot be empty')
  if (value === '') throw new BadRequest('Variable value cannot be empty')
}

/** FlowKeys' bounds on what a variable may hold (store/limits.ts); `undefined` means "not given". */
export function checkVariableSize(
  name: string | undefined,
  value: string | undefined,
  defaultFields: readonly string[] | null | undefined
): void {
  checkLength('Variable name', name, LIMITS.variableName)
  checkLength('Variable value', value, LIMITS.variableValue)
  if (defaultFields && defaultFields.length > LIMITS.defaultFields)
    throw new BadRequest(`default_fields has too many entries (at most ${LIMITS.defaultFields})`)
  for (const field of defaultFields ?? []) checkLength('A default_fields entry', field, LIMITS.defaultField)
}

export function normalizeType(type: string | null | undefined): VariableType {
  if (type === null || type === undefined || type === '') return 'Credential'
  if (type === 'Credential' || type === 'Generic') return type
  throw new Invalid(`Variable type must be 'Credential' or 'Generic'`)
}

export function toVariableRead(record: VariableRecord, vault: Pick<Vault, 'decrypt'>): VariableRead {
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    value: record.type === 'Credential' ? null : vault.decrypt(record.value),
    default_fields: [...record.default_fields]
  }
}

export function toVariableDetail(record: VariableRecord, read: VariableRead): VariableDetail {
  return { ...read, created_at: record.created_at, updated_at: record.updated_at }
}

/** The store and the vault: all the variable functions outside this class need. */
export interface VariableContext {
  readonly store: Store
  readonly vault: Vault
}

export async function requireUser(tx: StoreOps, userId: string): Promise<void> {
  if (!(await tx.userById(userId))) throw new NotFound('User not found')
}

/** A store write of variables, its rule breaks given Langflow's answers. */
export async function variableWrite<T>(write: Promise<T>): Promise<T> {
  try {
    return await write
  } catch (err) {
    if (err instanceof UniqueViolation && err.rule === 'variable_name') throw new BadRequest(NAME_EXISTS)
    if (err instanceof MissingUser) throw new NotFound('User not found')
    throw err
  }
}
