import { SignJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { Forbidden } from '../../src/main/base/errors'
import type { Core } from '../../src/main/core/open'
import { AUTO_LOGIN_NEEDS_KEY, INVALID_KEY, NO_KEY } from '../../src/main/auth/service'
import { generateApiKey } from '../../src/main/keys/generate'
import { testCore } from '../helpers/core'
import { caught } from '../helpers/errors'

describe('authentication (contract §1)', () => {
  let core: Core

  beforeAll(async () => {
    core = await testCore()
  })

  it('no key with AUTO_LOGIN on (default) asks for a key, with the v1.5 message', async () => {
    const err = await caught(() => core.auth.authenticate({}))
    expect(err).toBeInstanceOf(Forbidden)
    expect(err.message).toBe(AUTO_LOGIN_NEEDS_KEY)
  })

  it('an empty key counts as absent', async () => {
    expect((await caught(() => core.auth.authenticate({ apiKey: '' }))).message).toBe(AUTO_LOGIN_NEEDS_KEY)
  })

  it('an unknown key is refused and flagged as a failed key attempt', async () => {
    const err = await caught(() => core.auth.authenticate({ apiKey: generateApiKey() }))
    expect(err).toBeInstanceOf(Forbidden)
    expect(err.message).toBe(INVALID_KEY)
    expect(err.detail).toEqual({ failedKey: true })
  })

  it('a valid key of an inactive user is refused like an unknown key (the account stays unconfirmed)', async () => {
    const u = await core.users.create(core.superuser(), { username: 'sleepy', password: 'pw' })
    const key = await core.keys.create(core.superuser(), {}, u.id)
    await core.users.update(core.superuser(), u.id, { is_active: false })
    const err = await caught(() => core.auth.authenticate({ apiKey: key.api_key }))
    expect(err).toBeInstanceOf(Forbidden)
    expect(err.message).toBe(INVALID_KEY)
    expect(err.detail).toEqual({ failedKey: true })
  })

  it('a valid key resolves to its user and names the key', async () => {
    const key = await core.keys.create(core.superuser(), { name: 'named' })
    const p = await core.auth.authenticate({ apiKey: key.api_key })
    expect(p).toMatchObject({ via: 'api_key', apiKey: { id: key.key.id, name: 'named' } })
  })

  it('login issues access and refresh tokens; the access token authenticates, the refresh token does not', async () => {
    const tokens = await core.auth.login('langflow', 'langflow')
    expect(tokens.token_type).toBe('bearer')
    const p = await core.auth.authenticate({ bearer: tokens.access_token })
    expect(p.user.username).toBe('langflow')
    const wrongType = await caught(() => core.auth.authenticate({ bearer: tokens.refresh_token as string }))
    expect(wrongType.message).toBe('Invalid token type. Expected access token.')
    expect(wrongType.detail).toEqual({ scheme: 'Bearer' })
    const refreshed = await core.auth.refresh(tokens.refresh_token)
    expect((await core.auth.authenticate({ cookieToken: refreshed.access_token })).via).toBe('token')
    await expect(core.auth.refresh(tokens.access_token)).rejects.toThrow('Invalid refresh token')
    await expect(core.auth.refresh(null)).rejects.toThrow('Invalid refresh token')
  })

  it('when a Bearer token is present only it is checked', async () => {
    const key = await core.keys.create(core.superuser(), {})
    const err = await caught(() => core.auth.authenticate({ bearer: 'not-a-jwt', apiKey: key.api_key }))
    expect(err.message).toBe('Could not validate credentials')
    expect(err.detail).toEqual({ scheme: 'Bearer' })
  })

  it('expired and foreign-signed tokens are refused with their messages', async () => {
    const user = core.superuser()
    const expired = await new SignJWT({ type: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(core.vault.tokenKey)
    expect((await caught(() => core.auth.authenticate({ bearer: expired }))).message).toBe(
      'Token has expired.'
    )
    const forged = await new SignJWT({ type: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setExpirationTime('1h')
      .sign(new Uint8Array(32))
    expect((await caught(() => core.auth.authenticate({ bearer: forged }))).message).toBe(
      'Could not validate credentials'
    )
    const ghost = await new SignJWT({ type: 'access', gen: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('00000000-0000-4000-8000-000000000000')
      .setExpirationTime('1h')
      .sign(core.vault.tokenKey)
    expect((await caught(() => core.auth.authenticate({ bearer: ghost }))).message).toBe(
      'User not found or is inactive.'
    )
  })

  it('auto_login hands out no token unless FLOWKEYS_HTTP_AUTO_LOGIN is on', async () => {
    const err = await caught(() => core.auth.autoLogin())
    expect(err.detail).toEqual({
      body: { message: 'Auto login is disabled. Please enable it in the settings', auto_login: false }
    })
  })

  it('with FLOWKEYS_HTTP_AUTO_LOGIN, auto_login gives an unproven superuser access token, no refresh token', async () => {
    const open = await testCore({ FLOWKEYS_HTTP_AUTO_LOGIN: 'true' })
    const tokens = await open.auth.autoLogin()
    expect(tokens.refresh_token).toBeNull()
    const principal = await open.auth.authenticate({ bearer: tokens.access_token })
    expect(principal.user.is_superuser).toBe(true)
    expect(principal.via).toBe('auto_login')
  })
})

describe('authentication with AUTO_LOGIN off', () => {
  it('asks for a key, and refuses auto_login with the contract body', async () => {
    const core = await testCore({ LANGFLOW_AUTO_LOGIN: 'false' })
    expect((await caught(() => core.auth.authenticate({}))).message).toBe(NO_KEY)
    const err = await caught(() => core.auth.autoLogin())
    expect(err.detail).toEqual({
      body: { message: 'Auto login is disabled. Please enable it in the settings', auto_login: false }
    })
  })
})

describe('authentication with SKIP_AUTH_AUTO_LOGIN', () => {
  it('accepts no key as the superuser and warns', async () => {
    const core = await testCore({ LANGFLOW_SKIP_AUTH_AUTO_LOGIN: 'true' })
    const p = await core.auth.authenticate({})
    expect(p).toMatchObject({ via: 'auto_login' })
    expect(p.user.is_superuser).toBe(true)
  })
})
