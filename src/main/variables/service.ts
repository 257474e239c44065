import { randomUUID } from 'node:crypto'
import { NotFound } from '../base/errors'
import type { VariableRecord } from '../store/schema'
import type { Store } from '../store/backend'
import type { Vault } from '../vault/vault'
import { importFromEnvironment, type EnvironmentImportSummary } from './environment'
import {
  VARIABLE_NOT_FOUND,
  checkNotEmpty,
  checkVariableSize,
  isHiddenName,
  normalizeType,
  toVariableDetail,
  toVariableRead,
  variableNotFound,
  variableWrite,
  type VariableCreate,
  type VariableDetail,
  type VariableRead,
  type VariableContext,
  type VariableUpdate,
  type VariableValue
} from './model'

export type { VariableContext }

/** A user's variables at one moment: names without values, and values decrypted one at a time when asked. */
export interface UserVariables {
  names: readonly string[]
  lookup: (name: string) => VariableValue | null
}

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
    const record = await this.vault.writing(() =>
      variableWrite(
        this.store.transaction(async (tx) => {
          await this.vault.assertCurrent(tx)
          const made: VariableRecord = {
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
          await tx.insertVariables([made])
          return made
        })
      )
    )
    return toVariableRead(record, this.vault)
  }

  /**
   * Reads by record, frozen and shared while the record is unchanged (the file store hands out the same record
   * objects until one changes): repeated listings (a flow polling the key server) decrypt nothing again, and the
   * HTTP face serialises each read once (see server/http/serializer.ts).
   */
  private reads = new WeakMap<VariableRecord, VariableRead>()
  /** Each user's last listing and the records it was made of: the same records give the same frozen array. */
  private listings = new Map<string, { records: VariableRecord[]; listing: readonly VariableRead[] }>()

  /** The user's variables as Langflow lists them: internal `__names__` hidden, Credential values null. */
  list(userId: string): Promise<readonly VariableRead[]> {
    return this.vault.reading(() => this.listNow(userId))
  }

  private async listNow(userId: string): Promise<readonly VariableRead[]> {
    const records = await this.store.variablesOf(userId)
    const last = this.listings.get(userId)
    if (last && sameRecords(last.records, records)) return last.listing
    const listing: VariableRead[] = []
    for (const record of records) {
      if (isHiddenName(record.name)) continue
      listing.push(this.readOf(record))
    }
    Object.freeze(listing)
    this.listings.set(userId, { records, listing })
    return listing
  }

  /** The record's read, made once per record object (see `reads`). */
  private readOf(record: VariableRecord): VariableRead {
    let read = this.reads.get(record)
    if (!read) {
      read = toVariableRead(record, this.vault)
      Object.freeze(read.default_fields)
      this.reads.set(record, Object.freeze(read))
    }
    return read
  }

  /** The listing with each record's created/updated times: the app's view (the HTTP listing has no times). */
  listDetailed(userId: string): Promise<VariableDetail[]> {
    return this.vault.reading(async () => {
      const details: VariableDetail[] = []
      for (const record of await this.store.variablesOf(userId))
        if (!isHiddenName(record.name)) details.push(toVariableDetail(record, this.readOf(record)))
      return details
    })
  }

  /** One of the user's variables in the app's view (Credential value null). */
  async detail(userId: string, id: string): Promise<VariableDetail> {
    return this.vault.reading(async () => {
      const record = await this.store.variableById(userId, id)
      if (!record || isHiddenName(record.name)) throw new NotFound(VARIABLE_NOT_FOUND)
      return toVariableDetail(record, toVariableRead(record, this.vault))
    })
  }

  /** The privileged read by id, whatever the type (the app's reveal, after its password check). */
  async getById(userId: string, id: string): Promise<VariableValue & { id: string }> {
    return this.vault.reading(async () => {
      const record = await this.store.variableById(userId, id)
      if (!record || isHiddenName(record.name)) throw new NotFound(VARIABLE_NOT_FOUND)
      return { id: record.id, name: record.name, type: record.type, value: this.vault.decrypt(record.value) }
    })
  }

  async update(userId: string, id: string, patch: VariableUpdate): Promise<VariableRead> {
    const name = patch.name ?? undefined
    const value = patch.value ?? undefined
    const type = patch.type ? normalizeType(patch.type) : undefined
    checkVariableSize(name, value, patch.default_fields)
    const updated = await this.vault.writing(() =>
      variableWrite(
        this.store.transaction(async (tx) => {
          await this.vault.assertCurrent(tx)
          const found = await tx.variableById(userId, id)
          if (!found) throw new NotFound(VARIABLE_NOT_FOUND)
          checkNotEmpty(name, value)
          const record: VariableRecord = {
            ...found,
            name: name ?? found.name,
            value: value ? this.vault.encrypt(value) : found.value,
            type: type ?? found.type,
            default_fields: patch.default_fields ? [...patch.default_fields] : found.default_fields,
            source: 'app',
            updated_at: new Date().toISOString()
          }
          await tx.saveVariables([record])
          return record
        })
      )
    )
    return toVariableRead(updated, this.vault)
  }

  async delete(userId: string, id: string): Promise<void> {
    await this.deleteMany(userId, [id])
  }

  /** Deletes several of the user's variables in one write: all of them, or none if any is not found. */
  async deleteMany(userId: string, ids: readonly string[]): Promise<void> {
    const wanted = [...new Set(ids)]
    await this.store.transaction(async (tx) => {
      for (const id of wanted)
        if (!(await tx.variableById(userId, id))) throw new NotFound(VARIABLE_NOT_FOUND)
      await tx.deleteVariables(wanted)
    })
  }

  /** The decrypted variable, or null when the user has none of that name. */
  find(userId: string, name: string): Promise<VariableValue | null> {
    return this.vault.reading(async () => {
      const record = await this.store.variableByName(userId, name)
      if (!record) return null
      return { name: record.name, type: record.type, value: this.vault.decrypt(record.value) }
    })
  }

  /** The privileged read: the decrypted value, whatever the type. */
  async get(userId: string, name: string): Promise<VariableValue> {
    const found = await this.find(userId, name)
    if (!found) throw new NotFound(variableNotFound(name))
    return found
  }

  /** A lookup over one user's variables as they are now (one read), in the shape the flow resolver takes. */
  async lookupFor(userId: string): Promise<(name: string) => VariableValue | null> {
    return (await this.variablesFor(userId)).lookup
  }

  /** One user's variables as they are now (one read): their names, and a lookup that decrypts on demand. */
  async variablesFor(userId: string): Promise<UserVariables> {
    const records = await this.vault.reading(async () => {
      const found = await this.store.variablesOf(userId)
      // The lookup decrypts later, synchronously: one value opened now proves the key is the store's (a
      // rotation re-seals all of them at once), after loading a key another process rotated in.
      if (found[0]) this.vault.decrypt(found[0].value)
      return found
    })
    const byName = new Map(records.map((v) => [v.name, v]))
    return {
      names: [...byName.keys()],
      lookup: (name) => {
        const record = byName.get(name)
        return record
          ? { name: record.name, type: record.type, value: this.vault.decrypt(record.value) }
          : null
      }
    }
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

function sameRecords(a: readonly VariableRecord[], b: readonly VariableRecord[]): boolean {
  return a.length === b.length && a.every((record, i) => record === b[i])
}
