import { BadRequest, Conflict, Forbidden, NotFound, Unauthorized } from '../base/errors'
import { checkLength, LIMITS } from '../store/limits'
import type { Store, StoreOps } from '../store/backend'
import { UniqueViolation } from '../store/errors'
import type { UserRecord } from '../store/schema'
import type { Vault } from '../vault/vault'
import { requireProven, requireSuperuser, type Actor } from './actor'
import { hashPassword, verifyPassword } from './password'
import { newUserRecord } from './record'

/** Langflow's UserRead (sic: `create_at`). */
export interface UserRead {
  id: string
  username: string
  profile_image: string | null
  store_api_key: string | null
  is_active: boolean
  is_superuser: boolean
  create_at: string
  updated_at: string
  last_login_at: string | null
}

export interface UserCreate {
  username: string
  password: string
  is_active?: boolean
  is_superuser?: boolean
}

export interface UserUpdate {
  username?: string
  password?: string
  is_active?: boolean
  is_superuser?: boolean
  profile_image?: string | null
}

export const USERNAME_UNAVAILABLE = 'This username is unavailable.'
/** Langflow's answer to an anonymous sign-up while AUTO_LOGIN is on or ENABLE_SIGNUP is off. */
export const SIGNUP_DISABLED = 'Public user registration is disabled.'

function checkUserFields(input: {
  username?: string
  password?: string
  profile_image?: string | null
}): void {
  checkLength('Username', input.username, LIMITS.username)
  checkLength('Password', input.password, LIMITS.password)
  checkLength('Profile image', input.profile_image, LIMITS.profileImage)
}

/** Shows that a store key is set without revealing it. */
function maskSecret(secret: string): string {
  const shown = secret.length > 12 ? secret.slice(0, 4) : ''
  return shown + '*'.repeat(secret.length - shown.length)
}

export class UserService {
  constructor(
    private readonly store: Store,
    private readonly vault: Vault,
    /**
     * `superuser`: the configured account (LANGFLOW_SUPERUSER), recreated at every start, so it stays one.
     * `publicSignup`: whether a caller who is not a superuser may create an account (AUTO_LOGIN off, ENABLE_SIGNUP).
     */
    private readonly options: { newUserIsActive: boolean; superuser?: string; publicSignup?: boolean }
  ) {}

  toRead(user: UserRecord): UserRead {
    let storeKey: string | null = null
    if (user.store_api_key) {
      try {
        storeKey = maskSecret(this.vault.decrypt(user.store_api_key))
      } catch {
        storeKey = '********'
      }
    }
    return {
      id: user.id,
      username: user.username,
      profile_image: user.profile_image,
      store_api_key: storeKey,
      is_active: user.is_active,
      is_superuser: user.is_superuser,
      create_at: user.create_at,
      updated_at: user.updated_at,
      last_login_at: user.last_login_at
    }
  }

  /** The stored record (with its password hash): for the core only, never for a face. */
  findRecord(id: string): Promise<UserRecord | undefined> {
    return this.store.userById(id)
  }

  findByUsername(username: string): Promise<UserRecord | undefined> {
    return this.store.userByUsername(username)
  }

  async get(id: string): Promise<UserRead> {
    const user = await this.findRecord(id)
    if (!user) throw new NotFound('User not found')
    return this.toRead(user)
  }

  /** A user named by id or username (the CLI accepts either). */
  async resolve(idOrUsername: string): Promise<UserRecord> {
    const user = (await this.findRecord(idOrUsername)) ?? (await this.findByUsername(idOrUsername))
    if (!user) throw new NotFound('User not found')
    return user
  }

  /** A page of users; `search` keeps the usernames that contain it, any case (Langflow 1.6's ilike). */
  async list(
    actor: Actor,
    page: { skip?: number; limit?: number; search?: string } = {}
  ): Promise<{ total_count: number; users: UserRead[] }> {
    requireSuperuser(actor)
    const { total, users } = await this.store.listUsers({ ...page, limit: page.limit ?? 10 })
    return { total_count: total, users: users.map((u) => this.toRead(u)) }
  }

  /**
   * Sign-up when `actor` is null or not a superuser: the account starts inactive unless NEW_USER_IS_ACTIVE, and
   * is never a superuser. A superuser may set both flags (a new user is then active unless told otherwise).
   */
  async create(actor: Actor | null, input: UserCreate): Promise<UserRead> {
    // An auto-login superuser proved nothing: it signs up like anyone else (Langflow's is_superuser_caller).
    const privileged = actor?.is_superuser === true && !actor.viaAutoLogin
    if (!privileged && !this.options.publicSignup) throw new Forbidden(SIGNUP_DISABLED)
    const username = input.username.trim()
    if (!username) throw new BadRequest('Username cannot be empty')
    if (!input.password) throw new BadRequest('Password cannot be empty')
    checkUserFields(input)
    const password_hash = await hashPassword(input.password)
    const user = newUserRecord({
      username,
      password_hash,
      is_active: privileged ? (input.is_active ?? true) : this.options.newUserIsActive,
      is_superuser: privileged ? (input.is_superuser ?? false) : false
    })
    await unavailableOnClash(this.store.insertUser(user))
    return this.toRead(user)
  }

  /**
   * Creates the configured superuser on first start. An existing superuser keeps its password (an operator may
   * have changed it) and is made active again. An existing regular account is never promoted: anyone who could
   * sign up may have made it, with a password they know (Langflow would promote it; SECURITY.md).
   */
  async ensureSuperuser(username: string, password: string): Promise<UserRecord> {
    const existing = await this.findByUsername(username)
    if (existing?.is_superuser && existing.is_active) return existing
    const password_hash = existing ? existing.password_hash : await hashPassword(password)
    return this.store.transaction(async (tx) => {
      const now = new Date().toISOString()
      const found = await tx.userByUsername(username)
      if (found && !found.is_superuser) throw notPromoted(username)
      if (found) {
        const promoted = { ...found, is_superuser: true, is_active: true, updated_at: now }
        await tx.saveUser(promoted)
        return promoted
      }
      const user = newUserRecord({ username, password_hash, is_active: true, is_superuser: true }, now)
      await tx.insertUser(user)
      return user
    })
  }

  /**
   * Langflow's reset-password: a user changes its own password only, to a different one. `currentPassword`,
   * when given (newer Langflow clients send it), must be right.
   */
  async resetPassword(
    actor: Actor,
    id: string,
    password: string,
    currentPassword?: string | null
  ): Promise<UserRead> {
    requireProven(actor)
    if (actor.id !== id) throw new BadRequest("You can't change another user's password")
    const user = await this.findRecord(id)
    if (!user) throw new NotFound('User not found')
    if (!password) throw new BadRequest('Password cannot be empty')
    if (currentPassword !== undefined && currentPassword !== null) {
      if (!(await verifyPassword(currentPassword, user.password_hash)))
        throw new BadRequest('Current password is incorrect')
    }
    if (await verifyPassword(password, user.password_hash))
      throw new BadRequest("You can't use your current password")
    return this.applyUpdate(actor, id, { password })
  }

  /**
   * A superuser may change anything; a user only its own password, username and profile image. A new password
   * ends the user's sessions (its tokens), here and in every process that shares the store.
   */
  async update(actor: Actor, id: string, patch: UserUpdate): Promise<UserRead> {
    requireProven(actor)
    // Langflow's patch_user, in its order: no self-deactivation, then rights, then no password change here.
    if (actor.id === id && patch.is_active === false)
      throw new Forbidden("You can't deactivate your own user account")
    const privileged = patch.is_active !== undefined || patch.is_superuser !== undefined
    if (!actor.is_superuser && (actor.id !== id || privileged)) throw new Forbidden('Permission denied')
    if (patch.password && !actor.is_superuser) throw new BadRequest("You can't change your password here")
    return this.applyUpdate(actor, id, patch)
  }

  private async applyUpdate(actor: Actor, id: string, patch: UserUpdate): Promise<UserRead> {
    checkUserFields(patch)
    const password_hash = patch.password ? await hashPassword(patch.password) : undefined
    const updated = await this.changeUser(id, (found) => {
      const user = { ...found }
      const demotes = patch.is_superuser === false || patch.is_active === false
      const renames = patch.username !== undefined && patch.username !== user.username
      if (user.username === this.options.superuser && (demotes || renames))
        throw this.protectedSuperuser(user)
      if (patch.username !== undefined && patch.username !== user.username) {
        const username = patch.username.trim()
        if (!username) throw new BadRequest(USERNAME_UNAVAILABLE)
        user.username = username
      }
      if (password_hash) {
        user.password_hash = password_hash
        user.token_generation += 1
      }
      if (patch.is_active !== undefined) user.is_active = patch.is_active
      if (patch.is_superuser !== undefined) user.is_superuser = patch.is_superuser
      if (patch.profile_image !== undefined) user.profile_image = patch.profile_image
      user.updated_at = new Date().toISOString()
      return user
    })
    return this.toRead(updated)
  }

  /** Deletes the user with its API keys and variables, in one write. */
  async delete(actor: Actor, id: string): Promise<void> {
    requireProven(actor)
    requireSuperuser(actor)
    if (actor.id === id) throw new BadRequest("You can't delete your own user account")
    await this.store.transaction(async (tx) => {
      const user = await tx.userById(id)
      if (!user) throw new NotFound('User not found')
      if (user.username === this.options.superuser) throw this.protectedSuperuser(user)
      await tx.deleteUser(id)
    })
  }

  /** Reads the user afresh, saves `change(user)` in one transaction; NotFound when it is gone. */
  private changeUser(
    id: string,
    change: (user: UserRecord) => UserRecord,
    sealing?: Pick<Vault, 'assertCurrent'>
  ): Promise<UserRecord> {
    return unavailableOnClash(
      this.store.transaction(async (tx: StoreOps) => {
        await sealing?.assertCurrent(tx)
        const user = await tx.userById(id)
        if (!user) throw new NotFound('User not found')
        const changed = change(user)
        await tx.saveUser(changed)
        return changed
      })
    )
  }

  private protectedSuperuser(user: UserRecord): BadRequest {
    return new BadRequest(
      `${user.username} is the configured superuser (LANGFLOW_SUPERUSER): it cannot be renamed, demoted, deactivated or deleted`
    )
  }

  /** Username and password login, Langflow's messages; records the login time. */
  async checkCredentials(username: string, password: string): Promise<UserRecord> {
    const user = await this.findByUsername(username)
    // Hash even for an unknown user so the answer takes the same time either way.
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH)
    if (!user || !ok) throw new Unauthorized('Incorrect username or password', { scheme: 'Bearer' })
    // Langflow's authenticate_user: an account never logged in waits for a superuser's approval.
    if (!user.is_active && !user.last_login_at) throw new BadRequest('Waiting for approval')
    if (!user.is_active) throw new Unauthorized('Inactive user', { scheme: 'Bearer' })
    try {
      return await this.changeUser(user.id, (found) => ({
        ...found,
        last_login_at: new Date().toISOString()
      }))
    } catch (err) {
      if (err instanceof NotFound)
        throw new Unauthorized('Incorrect username or password', { scheme: 'Bearer' })
      throw err
    }
  }

  /** Ends every token of the user signed at generation `gen` (a logout); a later generation is left alone. */
  async endSessions(userId: string, gen: number): Promise<void> {
    await this.store.transaction(async (tx) => {
      const user = await tx.userById(userId)
      if (user && user.token_generation === gen) {
        await tx.saveUser({ ...user, token_generation: gen + 1, updated_at: new Date().toISOString() })
      }
    })
  }

  /** Saves the user's component-store key, sealed by the vault; returns the sealed form (Langflow's cookie value). */
  async setStoreApiKey(userId: string, apiKey: string): Promise<string> {
    checkLength('The store API key', apiKey, LIMITS.storeApiKey)
    const saved = await this.vault.writing(() =>
      this.changeUser(
        userId,
        (user) => ({
          ...user,
          store_api_key: this.vault.encrypt(apiKey),
          updated_at: new Date().toISOString()
        }),
        this.vault
      )
    )
    return saved.store_api_key as string
  }
}

/** A username taken meanwhile (by this store's unique rule) gets Langflow's answer. */
async function unavailableOnClash<T>(write: Promise<T>): Promise<T> {
  try {
    return await write
  } catch (err) {
    if (err instanceof UniqueViolation && err.rule === 'username') throw new BadRequest(USERNAME_UNAVAILABLE)
    throw err
  }
}

function notPromoted(username: string): Conflict {
  return new Conflict(
    `LANGFLOW_SUPERUSER=${username} names an existing regular account, which FlowKeys will not promote (anyone ` +
      'who could sign up may have made it): set LANGFLOW_SUPERUSER to the superuser this store was made with, or remove that account.'
  )
}

const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
