import { randomUUID } from 'node:crypto'
import { BadRequest, Forbidden, NotFound } from '../base/errors'
import type { KeyOwner, Store } from '../store/backend'
import { MissingUser } from '../store/errors'
import type { ApiKeyRecord } from '../store/schema'
import { checkLength, LIMITS } from '../store/limits'
import { requireProven, requireSuperuser, type Actor } from '../users/actor'
import type { Vault } from '../vault/vault'
import { normalizeAllowedFlows } from './allowed-flows'
import { VISIBLE_KEY_CHARS } from '../../shared/api-key-display'
import { generateApiKey, looksLikeApiKey, maskApiKey } from './generate'
import { UsageCounter } from './usage'

/** Langflow's ApiKeyRead: the stored record without its hash, the key itself only in masked form. */
export type ApiKeyRead = Omit<ApiKeyRecord, 'hash' | 'prefix'> & { api_key: string }

export interface ApiKeyCreate {
  name?: string | null
  expires_at?: string | null
  /** The flows the key may run through the gateway (ids or endpoint names); null or absent: no limit. */
  allowed_flows?: readonly string[] | null
}

export interface CreatedApiKey {
  key: ApiKeyRead
  /** The full key: shown once, never stored. */
  api_key: string
}

export type VerifiedKey = KeyOwner

export const API_KEY_NOT_FOUND = 'API Key not found'
export const FLOW_GRANT_NEEDS_SUPERUSER =
  'Only a superuser can limit a key to flows: such a key may run them through the Langflow upstream'

/** Parses an expiry given as an ISO date; a past or unreadable date is refused. */
const LAST_EXPIRY = Date.parse('9999-12-31T23:59:59.999Z')

function parseExpiry(value: string | null | undefined, now: Date): string | null {
  if (value === null || value === undefined || value === '') return null
  const time = Date.parse(value)
  if (Number.isNaN(time)) throw new BadRequest('expires_at must be an ISO 8601 date-time')
  if (time <= now.getTime()) throw new BadRequest('expires_at must be in the future')
  // As Python's datetime (and PostgreSQL's timestamptz as FlowKeys writes it): four-digit years only.
  if (time > LAST_EXPIRY) throw new BadRequest('expires_at must be before the year 10000')
  return new Date(time).toISOString()
}

export class ApiKeyService {
  private readonly usage: UsageCounter

  constructor(
    private readonly store: Store,
    private readonly vault: Vault,
    private readonly options: { trackUsage: boolean; flushIntervalMs?: number }
  ) {
    this.usage = new UsageCounter(store, options.flushIntervalMs)
  }

  /**
   * ApiKeyRead objects by record, frozen and shared while the record is unchanged and the key has no uses
   * waiting to be written: listing 10,000 keys then builds no new objects, and the HTTP face serialises each
   * one once (see server/http/serializer.ts). Records are replaced on a re-read or a usage flush (the
   * entries go with them), and the fields are checked below, so only the keys that changed are built again.
   */
  private reads = new WeakMap<ApiKeyRecord, ApiKeyRead>()

  private toRead(record: ApiKeyRecord): ApiKeyRead {
    const pending = this.usage.pendingFor(record.id)
    if (pending) return this.buildRead(record, pending)
    let read = this.reads.get(record)
    if (
      !read ||
      read.total_uses !== record.total_uses ||
      read.last_used_at !== record.last_used_at ||
      read.name !== record.name ||
      read.is_active !== record.is_active ||
      read.expires_at !== record.expires_at ||
      read.allowed_flows !== record.allowed_flows
    ) {
      read = Object.freeze(this.buildRead(record))
      this.reads.set(record, read)
    }
    return read
  }

  /** The key as listed; `pending`: its uses counted but not yet written, shown live. */
  private buildRead(record: ApiKeyRecord, pending?: { uses: number; lastUsedAt: string }): ApiKeyRead {
    const lastUsed =
      pending && (!record.last_used_at || pending.lastUsedAt > record.last_used_at)
        ? pending.lastUsedAt
        : record.last_used_at
    return {
      id: record.id,
      api_key: maskApiKey(record.prefix),
      name: record.name,
      created_at: record.created_at,
      last_used_at: lastUsed,
      total_uses: record.total_uses + (pending?.uses ?? 0),
      is_active: record.is_active,
      user_id: record.user_id,
      expires_at: record.expires_at,
      allowed_flows: record.allowed_flows
    }
  }

  /**
   * Creates a key for `actor`, or for `forUserId` when the actor is a superuser (the CLI's --user).
   * Only the HMAC and the first 8 characters are stored.
   */
  async create(actor: Actor, input: ApiKeyCreate = {}, forUserId?: string): Promise<CreatedApiKey> {
    // A key outlives the session that made it: an auto-login session, which proved nothing, makes none.
    requireProven(actor)
    checkLength('Key name', input.name, LIMITS.keyName)
    const userId = forUserId ?? actor.id
    if (userId !== actor.id) requireSuperuser(actor)
    // A flow list lets the key run those flows as the upstream's owner, whoever its user: a grant (SECURITY.md).
    const allowedFlows = normalizeAllowedFlows(input.allowed_flows)
    if (allowedFlows !== null && !actor.is_superuser) throw new Forbidden(FLOW_GRANT_NEEDS_SUPERUSER)
    const now = new Date()
    const apiKey = generateApiKey()
    const record: ApiKeyRecord = {
      id: randomUUID(),
      name: input.name ?? null,
      hash: this.vault.hashApiKey(apiKey),
      prefix: apiKey.slice(0, VISIBLE_KEY_CHARS),
      created_at: now.toISOString(),
      last_used_at: null,
      total_uses: 0,
      is_active: true,
      user_id: userId,
      expires_at: parseExpiry(input.expires_at, now),
      allowed_flows: allowedFlows
    }
    try {
      await this.store.insertKey(record)
    } catch (err) {
      throw err instanceof MissingUser ? new NotFound('User not found') : err
    }
    return { key: this.toRead(record), api_key: apiKey }
  }

  /** The keys of `actor`, or of another user for a superuser. */
  async list(
    actor: Actor,
    userId: string = actor.id
  ): Promise<{ total_count: number; user_id: string; api_keys: ApiKeyRead[] }> {
    if (userId !== actor.id) requireSuperuser(actor)
    const keys = await this.store.keysOf(userId)
    return { total_count: keys.length, user_id: userId, api_keys: keys.map((k) => this.toRead(k)) }
  }

  /** Every key of every user (superusers: the CLI's listing without --user). */
  async listAll(actor: Actor): Promise<ApiKeyRead[]> {
    requireSuperuser(actor)
    return (await this.store.keysOf(null)).map((k) => this.toRead(k))
  }

  /**
   * Deletes a key at once. A user can only revoke its own keys (another user's is "not found", as in Langflow);
   * `acrossUsers` lets a superuser revoke anyone's.
   */
  async revoke(actor: Actor, id: string, options: { acrossUsers?: boolean } = {}): Promise<void> {
    await this.revokeMany(actor, [id], options)
  }

  /**
   * Revokes several keys in one write: all of them, or none if any is not found; with `skipMissing`, the ones
   * that exist (keys already gone, say revoked from the CLI meanwhile, are returned as `missing`).
   */
  async revokeMany(
    actor: Actor,
    ids: readonly string[],
    options: { acrossUsers?: boolean; skipMissing?: boolean } = {}
  ): Promise<{ revoked: string[]; missing: string[] }> {
    if (options.acrossUsers) requireSuperuser(actor)
    const wanted = [...new Set(ids)]
    return this.store.transaction(async (tx) => {
      const found = new Set<string>()
      for (const id of wanted) {
        const key = await tx.keyById(id)
        if (key && (options.acrossUsers || key.user_id === actor.id)) found.add(id)
      }
      const missing = wanted.filter((id) => !found.has(id))
      if (missing.length > 0 && !options.skipMissing) throw new NotFound(API_KEY_NOT_FOUND)
      if (found.size > 0) await tx.deleteKeys([...found])
      return { revoked: wanted.filter((id) => found.has(id)), missing }
    })
  }

  /**
   * Gives a key a new name (Langflow's clients tell keys apart by it). The same rules as revoke: a user renames
   * its own keys (another user's is "not found"); `acrossUsers` lets a superuser rename anyone's. The name is
   * checked as at creation: trimmed, not empty, at most LIMITS.keyName characters.
   */
  async rename(
    actor: Actor,
    id: string,
    name: string,
    options: { acrossUsers?: boolean } = {}
  ): Promise<ApiKeyRead> {
    if (options.acrossUsers) requireSuperuser(actor)
    const trimmed = name.trim()
    if (trimmed === '') throw new BadRequest('Give the key a name')
    checkLength('Key name', trimmed, LIMITS.keyName)
    const renamed = await this.store.transaction(async (tx) => {
      const key = await tx.keyById(id)
      if (!key || (!options.acrossUsers && key.user_id !== actor.id)) throw new NotFound(API_KEY_NOT_FOUND)
      await tx.renameKey(id, trimmed)
      return { ...key, name: trimmed }
    })
    return this.toRead(renamed)
  }

  /**
   * The key and its user when `apiKey` is a known, active, unexpired key; null otherwise. An indexed lookup by
   * HMAC; sees revocations by other processes and servers on the next call. Counts the use unless tracking is
   * off. The user may be inactive: the caller decides what that means.
   */
  async verify(apiKey: string, now?: Date): Promise<VerifiedKey | null> {
    const hash = this.hashOf(apiKey)
    if (hash === null) return null
    // An exact lookup by HMAC: a lookup's timing can only tell about HMAC outputs, which a guesser cannot steer,
    // so no constant-time comparison is needed on top.
    const found = await this.store.keyByHash(hash)
    if (!found || !found.key.is_active) return null
    const record = found.key
    const nowMs = now ? now.getTime() : Date.now() // no Date made per request
    if (record.expires_at && Date.parse(record.expires_at) <= nowMs) return null
    if (this.options.trackUsage) this.usage.record(record.id, nowMs)
    return found
  }

  /**
   * HMACs of recently presented keys, by key: a client sends the same key on every request, and the HMAC is the
   * largest part of checking it. Holding those keys in memory exposes nothing new: this process also holds the
   * vault key, which opens every credential and signs access tokens. A lookup compares the presented string with
   * a cached one only on a hash collision, and failed guesses are limited per client (20 a minute), so its timing
   * is of no use to a guesser. Bounded: cleared when full.
   */
  private recentHashes = new Map<string, string>()

  /** The key's HMAC; null for a string that cannot be a key (a cached key was checked when it came first). */
  private hashOf(apiKey: string): string | null {
    let hash = this.recentHashes.get(apiKey)
    if (hash === undefined) {
      if (!looksLikeApiKey(apiKey)) return null
      hash = this.vault.hashApiKey(apiKey)
      if (this.recentHashes.size >= 1_000) this.recentHashes = new Map()
      this.recentHashes.set(apiKey, hash)
    }
    return hash
  }

  /** Finds keys by id or by name (the CLI's `keys revoke <id|name>`). */
  async find(actor: Actor, idOrName: string, options: { acrossUsers?: boolean } = {}): Promise<ApiKeyRead[]> {
    if (options.acrossUsers) requireSuperuser(actor)
    const keys = await this.store.keysOf(options.acrossUsers ? null : actor.id)
    return keys.filter((k) => k.id === idOrName || k.name === idOrName).map((k) => this.toRead(k))
  }

  flushUsage(): Promise<void> {
    return this.usage.flush()
  }

  close(): Promise<void> {
    return this.usage.close()
  }
}
