import { BadRequest, Forbidden, Unauthorized } from '../base/errors'
import type { Settings } from '../config/settings'
import type { ApiKeyService, VerifiedKey } from '../keys/service'
import type { ApiKeyRecord, UserRecord } from '../store/schema'
import type { UserService } from '../users/service'
import type { Vault } from '../vault/vault'
import {
  BEARER,
  INVALID_CREDENTIALS,
  WRONG_TOKEN_TYPE,
  readToken,
  signToken,
  type TokenClaims
} from './tokens'

export const NO_KEY = 'An API key must be passed as query or header'
export const AUTO_LOGIN_NEEDS_KEY =
  'Since v1.5, LANGFLOW_AUTO_LOGIN requires a valid API key. Set LANGFLOW_SKIP_AUTH_AUTO_LOGIN=true to skip this check. Please update your authentication method.'
export const INVALID_KEY = 'Invalid or missing API key'
export const USER_NOT_FOUND_OR_INACTIVE = 'User not found or is inactive.'
export const INVALID_REFRESH = 'Invalid refresh token'

/** What a request presented; empty strings count as absent. */
export interface Credentials {
  apiKey?: string | null
  bearer?: string | null
  cookieToken?: string | null
}

export interface Principal {
  user: UserRecord
  /** auto_login: a request without a key (LANGFLOW_SKIP_AUTH_AUTO_LOGIN) or an auto-login token: proved nothing. */
  via: 'api_key' | 'token' | 'auto_login'
  /**
   * The key used, when `via` is api_key: id and name for the access log (never the key), and the flows it may run
   * through the gateway (null: no limit).
   */
  apiKey?: { id: string; name: string | null; allowedFlows: readonly string[] | null }
}

export interface Tokens {
  access_token: string
  refresh_token: string | null
  token_type: 'bearer'
}

/** Langflow's resolution of the current user (contract §1) and its login endpoints (§4). */
export class AuthService {
  constructor(
    private readonly settings: Settings,
    private readonly vault: Vault,
    private readonly users: UserService,
    private readonly keys: ApiKeyService,
    private readonly warn: (message: string) => void = () => undefined,
    /** Runs after each successful password login (Langflow imports the environment's variables then). */
    private readonly onLogin: (user: UserRecord) => Promise<void> = async () => undefined
  ) {}

  /**
   * A token (Bearer first, else the cookie) is checked when present; otherwise the API key path. Rejects with
   * `Unauthorized`/`Forbidden` and the contract's messages; `failedKey` tells the caller a key attempt failed
   * (for rate limiting).
   */
  async authenticate(credentials: Credentials): Promise<Principal> {
    const token = credentials.bearer || credentials.cookieToken
    if (token) return this.fromToken(token)
    const apiKey = credentials.apiKey || undefined
    if (!apiKey) {
      if (!this.settings.autoLogin) throw new Forbidden(NO_KEY)
      if (!this.settings.skipAuthAutoLogin) throw new Forbidden(AUTO_LOGIN_NEEDS_KEY)
      this.warn(
        'Request without an API key accepted as the superuser because LANGFLOW_SKIP_AUTH_AUTO_LOGIN=true (deprecated in Langflow).'
      )
      const superuser = await this.users.findByUsername(this.settings.superuser)
      if (!superuser || !superuser.is_active) throw new Forbidden(INVALID_KEY)
      return { user: superuser, via: 'auto_login' }
    }
    const verified = await this.keys.verify(apiKey)
    // An inactive user's key is refused like an unknown one: the answer does not tell that the account exists.
    if (!verified || !verified.user.is_active) throw new Forbidden(INVALID_KEY, { failedKey: true })
    return this.keyPrincipal(verified)
  }

  /** One principal per key and user record, shared by the requests that present the key (read-only). */
  private keyPrincipals = new WeakMap<ApiKeyRecord, Principal>()

  private keyPrincipal({ key, user }: VerifiedKey): Principal {
    const known = this.keyPrincipals.get(key)
    if (known?.user === user && known.apiKey?.name === key.name) return known
    const principal: Principal = Object.freeze({
      user,
      via: 'api_key' as const,
      apiKey: Object.freeze({ id: key.id, name: key.name, allowedFlows: key.allowed_flows })
    })
    this.keyPrincipals.set(key, principal)
    return principal
  }

  /** A token's claims; one that fails may be signed by a vault key another process rotated in: load it, retry. */
  private async readClaims(token: string): Promise<TokenClaims> {
    try {
      return await readToken(this.vault.tokenKey, token)
    } catch (err) {
      if (!(await this.vault.refresh())) throw err
      return readToken(this.vault.tokenKey, token)
    }
  }

  private async fromToken(token: string): Promise<Principal> {
    const claims = await this.readClaims(token)
    if (claims.type !== 'access') throw new Unauthorized(WRONG_TOKEN_TYPE, BEARER)
    const user = await this.users.findRecord(claims.sub)
    if (!user || !user.is_active) throw new Unauthorized(USER_NOT_FOUND_OR_INACTIVE, BEARER)
    if (!isCurrent(claims, user)) throw new Unauthorized(INVALID_CREDENTIALS, BEARER)
    return { user, via: claims.auto ? 'auto_login' : 'token' }
  }

  private async issue(user: UserRecord): Promise<Tokens> {
    const gen = { gen: user.token_generation }
    const key = this.vault.tokenKey
    return {
      access_token: await signToken(key, user.id, 'access', this.settings.accessTokenExpireSeconds, gen),
      refresh_token: await signToken(key, user.id, 'refresh', this.settings.refreshTokenExpireSeconds, gen),
      token_type: 'bearer'
    }
  }

  async login(username: string, password: string): Promise<Tokens> {
    return (await this.loginUser(username, password)).tokens
  }

  /** A password login, with the user it proved (the login route sets cookies from it). */
  async loginUser(username: string, password: string): Promise<{ tokens: Tokens; user: UserRecord }> {
    const user = await this.users.checkCredentials(username, password)
    await this.onLogin(user)
    return { tokens: await this.issue(user), user }
  }

  /**
   * GET /auto_login: an access token for the superuser, only when AUTO_LOGIN is on and the operator also turned
   * on FLOWKEYS_HTTP_AUTO_LOGIN; otherwise Langflow's answer for auto-login off. The token is marked: it proves
   * nothing, so it reads no secret, makes no key and manages no user.
   */
  async autoLogin(): Promise<Tokens> {
    if (!this.settings.autoLogin || !this.settings.httpAutoLogin) {
      throw new BadRequest('Auto login is disabled. Please enable it in the settings', {
        body: { message: 'Auto login is disabled. Please enable it in the settings', auto_login: false }
      })
    }
    const superuser = await this.users.findByUsername(this.settings.superuser)
    if (!superuser || !superuser.is_active) throw new Unauthorized(USER_NOT_FOUND_OR_INACTIVE, BEARER)
    const access_token = await signToken(
      this.vault.tokenKey,
      superuser.id,
      'access',
      this.settings.accessTokenExpireSeconds,
      { gen: superuser.token_generation, auto: true }
    )
    return { access_token, refresh_token: null, token_type: 'bearer' }
  }

  async refresh(refreshToken: string | null | undefined): Promise<Tokens> {
    const found = await this.tokenUser(refreshToken, 'refresh')
    if (!found || !found.user.is_active) throw new Unauthorized(INVALID_REFRESH, BEARER)
    return this.issue(found.user)
  }

  /**
   * POST /logout: ends every session of the user a presented token (access or refresh) names, by moving the
   * user's token generation on; a request with no valid token ends nothing (the cookies are cleared anyway).
   */
  async logout(tokens: { access?: string | null; refresh?: string | null }): Promise<void> {
    const found =
      (await this.tokenUser(tokens.access, 'access')) ?? (await this.tokenUser(tokens.refresh, 'refresh'))
    if (found) await this.users.endSessions(found.user.id, found.claims.gen)
  }

  /** The user a current token of `type` names, or null for an absent, invalid, expired or ended token. */
  private async tokenUser(
    token: string | null | undefined,
    type: 'access' | 'refresh'
  ): Promise<{ user: UserRecord; claims: TokenClaims } | null> {
    if (!token) return null
    let claims: TokenClaims
    try {
      claims = await this.readClaims(token)
    } catch {
      return null
    }
    const user = claims.type === type ? await this.users.findRecord(claims.sub) : undefined
    return user && isCurrent(claims, user) ? { user, claims } : null
  }
}

/** A token signed before the user's last logout or password change is no longer accepted. */
function isCurrent(claims: TokenClaims, user: UserRecord): boolean {
  return claims.gen === user.token_generation
}
