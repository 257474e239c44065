import { randomUUID } from 'node:crypto'
import { BadRequest, NotFound } from '../base/errors'
import type { VariableRecord } from '../store/schema'
import type { Store } from '../store/store'
import type { Vault } from '../vault/vault'
import { importFromEnvironment, type EnvironmentImportSummary } from './environment'
import {
  NAME_EXISTS,
  VARIABLE_NOT_FOUND,
  checkNotEmpty,
  checkVariableSize,
  isHiddenName,
  normalizeType,
  requireUser,
  toVariableRead,
  userVariables,
  variableNotFound,
  type VariableCreate,
  type VariableRead,
  type VariableContext,
  type VariableUpdate,
  type VariableValue
} from './model'

export type { VariableContext }

/**
 * Global variables, each scoped to one user. Writes are one locked read-modify-write each, with every rule that
 * depends on other records (name uniqueness) checked inside it on fresh data, so two processes cannot race.
 */
export class VariableService implements VariableContext {
  constructor(
    readonly store: Store,
    readonly vault: Vault
  ) {}

  async create(userId: string, input: VariableCreate): Promise<VariableRead> {
    checkNotEmpty(input.name, input.value)
    checkVariableSize(input.name, input.value, input.default_fields)
    const type = normalizeType(input.type)
    const now = new Date().toISOString()
    const record: VariableRecord = {
      id: randomUUID(),
      user_id: userId,
      name: input.name,
      type,
      value: this.vault.encrypt(input.value),
      default_fields: [...(input.default_fields ?? [])],
      source: 'app',
      created_at: now,
      updated_at: now
    }
    await this.store.update((data) => {
      requireUser(data, userId)
      if (data.variables.some((v) => v.user_id === userId && v.name === record.name)) {
        throw new BadRequest(NAME_EXISTS)
      }
      data.variables.push(record)
    })
    return toVariableRead(record, this.vault)
  }

  /** Listings by user, valid for one store generation (any write, by any process, starts a new one). */
  private listings = new Map<string, readonly VariableRead[]>()
  private listedGeneration = -1

  /**
   * The user's variables as Langflow lists them: internal `__names__` hidden, Credential values null. The result
   * is frozen and shared until the store changes, so repeated listings (a flow polling the key server) cost a
   * lookup, and the HTTP face serialises it once (see server/http/serializer.ts). It trusts a check of the store file
   * made earlier in this turn (Store.readChecked): the API-key check of the same request just made one.
   */
  list(userId: string): readonly VariableRead[] {
    const data = this.store.readChecked()
    if (this.listedGeneration !== this.store.generation) {
      this.listings = new Map()
      this.listedGeneration = this.store.generation
    }
    let listing = this.listings.get(userId)
    if (!listing) {
      listing = Object.freeze(
        userVariables(data, userId)
          .filter((v) => !isHiddenName(v.name))
          .map((v) => {
            const read = toVariableRead(v, this.vault)
            Object.freeze(read.default_fields)
            return Object.freeze(read)
          })
      )
      this.listings.set(userId, listing)
    }
    return listing
  }

  async update(userId: string, id: string, patch: VariableUpdate): Promise<VariableRead> {
    const name = patch.name ?? undefined
    const value = patch.value ?? undefined
    const type = patch.type ? normalizeType(patch.type) : undefined
    checkVariableSize(name, value, patch.default_fields)
    const sealed = value ? this.vault.encrypt(value) : undefined
    const updated = await this.store.update((data) => {
      const record = data.variables.find((v) => v.id === id && v.user_id === userId)
      if (!record) throw new NotFound(VARIABLE_NOT_FOUND)
      checkNotEmpty(name, value)
      if (
        name !== undefined &&
        data.variables.some((v) => v.user_id === userId && v.name === name && v.id !== id)
      ) {
        throw new BadRequest(NAME_EXISTS)
      }
      if (name !== undefined) record.name = name
      if (sealed !== undefined) record.value = sealed
      if (type !== undefined) record.type = type
      if (patch.default_fields) record.default_fields = [...patch.default_fields]
      record.source = 'app'
      record.updated_at = new Date().toISOString()
      return { ...record }
    })
    return toVariableRead(updated, this.vault)
  }

  async delete(userId: string, id: string): Promise<void> {
    await this.deleteMany(userId, [id])
  }

  /** Deletes several of the user's variables in one write: all of them, or none if any is not found. */
  async deleteMany(userId: string, ids: readonly string[]): Promise<void> {
    const wanted = new Set(ids)
    await this.store.update((data) => {
      const found = data.variables.filter((v) => wanted.has(v.id) && v.user_id === userId)
      if (found.length !== wanted.size) throw new NotFound(VARIABLE_NOT_FOUND)
      data.variables = data.variables.filter((v) => !found.includes(v))
    })
  }

  /** The decrypted variable, or null when the user has none of that name. */
  find(userId: string, name: string): VariableValue | null {
    const record = this.store.read().variables.find((v) => v.user_id === userId && v.name === name)
    if (!record) return null
    return { name: record.name, type: record.type, value: this.vault.decrypt(record.value) }
  }

  /** The privileged read: the decrypted value, whatever the type. */
  get(userId: string, name: string): VariableValue {
    const found = this.find(userId, name)
    if (!found) throw new NotFound(variableNotFound(name))
    return found
  }

  /** A lookup bound to one user, in the shape the flow resolver takes. */
  lookupFor(userId: string): (name: string) => VariableValue | null {
    return (name) => this.find(userId, name)
  }

  /** Langflow's environment import (at login and at server start); see environment.ts. */
  importFromEnvironment(
    userId: string,
    env: NodeJS.ProcessEnv,
    names: readonly string[]
  ): Promise<EnvironmentImportSummary> {
    return importFromEnvironment(this, userId, env, names)
  }
}
