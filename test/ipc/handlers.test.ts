import { randomBytes } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { openCore, type Core } from '../../src/main/core/open'
import { UNEXPECTED_ERROR } from '../../src/main/ipc/errors'
import { createHandlerTable, type HandlerTable } from '../../src/main/ipc/handlers'
import { keyServerController } from '../../src/main/ipc/key-server'
import { maskApiKey } from '../../src/main/keys/generate'
import { openBackup } from '../../src/main/recovery/backup-file'
import { passphraseProblem } from '../../src/main/recovery/passphrase'
import { hasRecoveryKey } from '../../src/main/recovery/recovery'
import { readUpstreamFile, upstreamFilePath } from '../../src/main/upstream/upstream-file'
import { openWithRecovery, parseRecoveryKey } from '../../src/main/vault/recovery-key'
import { CHANNELS, contract, type Channel, type IpcResult } from '../../src/shared/ipc'
import { API_KEY_READ_FIELDS } from '../helpers/contract'
import { TEST_STORE, testCore } from '../helpers/core'
import { freshDatabaseUrl } from '../helpers/postgres'
import { tempDir } from '../helpers/tmp'
import { startStandinLangflow, type StandinLangflow } from '../fixtures/langflow-upstream/standin'
import { freePort, testServices, type TestServices } from './services'

let core: Core
let services: TestServices
let table: HandlerTable
/** Every response of this suite, to scan for secrets at the end. */
const responses: unknown[] = []

async function send(channel: Channel, payload?: unknown): Promise<IpcResult<unknown>> {
  const result = await (table[channel] as (payload: unknown) => Promise<IpcResult<unknown>>)(payload)
  responses.push(result)
  return result
}

async function ok<T = unknown>(channel: Channel, payload?: unknown): Promise<T> {
  const result = await send(channel, payload)
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.kind}: ${result.error.message}`)
  return result.value as T
}

const CREDENTIAL = 'sk-proj-CREDENTIAL-never-leaves-main-7f3a'
const REPLACED = 'sk-proj-REPLACEMENT-also-hidden-91bc'
const FROM_ENV_FILE = 'env-file-secret-value-c0ffee'

beforeAll(async () => {
  core = await testCore()
  services = await testServices(core)
  table = createHandlerTable(core, services)
})

afterAll(async () => {
  await services.server.stop()
})

afterEach(() => {
  vi.restoreAllMocks()
  vi.useRealTimers()
})

describe('the handler table', () => {
  it('has exactly one handler per channel of the contract', () => {
    expect(Object.keys(contract).sort()).toEqual([...CHANNELS].sort())
    expect(Object.keys(table).sort()).toEqual([...CHANNELS].sort())
    for (const channel of CHANNELS) expect(typeof table[channel]).toBe('function')
    expect(Object.isFrozen(table)).toBe(true)
  })
})

describe('payload validation', () => {
  it('refuses a bad payload before the handler runs', async () => {
    const create = vi.spyOn(core.keys, 'create')
    for (const payload of [
      undefined,
      'name',
      { name: '' },
      { name: '   ' },
      { name: 'x', extra: true },
      { name: 'x', expiresInDays: 0 }
    ]) {
      const result = await send('keys:create', payload)
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.error.kind).toBe('Invalid')
    }
    expect(
      await send('keys:create', { name: 'x', expiresInDays: 7, expires_at: '2099-01-01T00:00:00Z' })
    ).toMatchObject({
      ok: false,
      error: { kind: 'Invalid' }
    })
    expect(create).not.toHaveBeenCalled()
    expect((await core.keys.list(core.desktopActor())).total_count).toBe(0)
  })

  it('says which field is wrong without echoing its value', async () => {
    const result = await send('users:add', { username: 'ada', password: 'short-pw'.slice(0, 5) })
    expect(result).toMatchObject({ ok: false, error: { kind: 'Invalid' } })
    if (!result.ok) {
      expect(result.error.message).toContain('password')
      expect(result.error.message).not.toContain('short')
    }
    expect(await core.users.findByUsername('ada')).toBeUndefined()
  })

  it('validates ids, types and unknown fields on every channel', async () => {
    const update = vi.spyOn(core.variables, 'update')
    expect(await send('variables:update', { id: 'not-a-uuid', value: 'x' })).toMatchObject({
      ok: false,
      error: { kind: 'Invalid' }
    })
    expect(await send('variables:create', { name: 'A', value: 'b', type: 'Secret' })).toMatchObject({
      ok: false
    })
    expect(await send('variables:create', { name: 'A' })).toMatchObject({
      ok: false,
      error: { kind: 'Invalid' }
    })
    expect(await send('keys:revoke', { ids: [] })).toMatchObject({ ok: false, error: { kind: 'Invalid' } })
    expect(await send('keys:list', { all: true })).toMatchObject({ ok: false, error: { kind: 'Invalid' } })
    expect(await send('app:updateSettings', { serverPort: 80 })).toMatchObject({
      ok: false,
      error: { kind: 'Invalid' }
    })
    expect(await send('clipboard:copy', { text: '' })).toMatchObject({
      ok: false,
      error: { kind: 'Invalid' }
    })
    expect(update).not.toHaveBeenCalled()
  })
})

describe('error mapping', () => {
  it("maps the core's typed errors to their kind and message", async () => {
    expect(await send('variables:delete', { id: '00000000-0000-4000-8000-000000000000' })).toEqual({
      ok: false,
      error: { kind: 'NotFound', message: 'Variable not found' }
    })
    expect(await send('users:delete', { id: core.desktopActor().id })).toEqual({
      ok: false,
      error: { kind: 'BadRequest', message: "You can't delete your own user account" }
    })
    await ok('variables:create', { name: 'DUPLICATE', value: 'one' })
    expect(await send('variables:create', { name: 'DUPLICATE', value: 'two' })).toEqual({
      ok: false,
      error: { kind: 'BadRequest', message: 'Variable name already exists' }
    })
  })

  it('renames a key: answers the key as listed, trimmed; refuses an empty name and an unknown id', async () => {
    const { key } = await ok<{ key: { id: string; api_key: string } }>('keys:create', { name: 'old name' })
    const renamed = await ok<{ id: string; name: string; api_key: string }>('keys:rename', {
      id: key.id,
      name: '  new name  '
    })
    expect(renamed).toMatchObject({ id: key.id, name: 'new name', api_key: key.api_key })
    const { api_keys } = await ok<{ api_keys: { id: string; name: string }[] }>('keys:list')
    expect(api_keys.find((k) => k.id === key.id)?.name).toBe('new name')
    expect(await send('keys:rename', { id: key.id, name: '   ' })).toMatchObject({
      ok: false,
      error: { kind: 'Invalid' }
    })
    expect(await send('keys:rename', { id: key.id, name: 'x', extra: 1 })).toMatchObject({
      ok: false,
      error: { kind: 'Invalid' }
    })
    expect(await send('keys:rename', { id: '00000000-0000-4000-8000-000000000002', name: 'x' })).toEqual({
      ok: false,
      error: { kind: 'NotFound', message: 'API Key not found' }
    })
  })

  it("reports revoking an unknown key per id, with Langflow's message", async () => {
    const { key } = await ok<{ key: { id: string } }>('keys:create', { name: 'to revoke' })
    const unknown = '00000000-0000-4000-8000-000000000001'
    expect(await ok('keys:revoke', { ids: [key.id, unknown] })).toEqual({
      revoked: [key.id],
      failed: [{ id: unknown, message: 'API Key not found' }]
    })
  })

  it('turns an unexpected failure into Internal, logged in main, without its message or stack', async () => {
    vi.spyOn(services.clipboard, 'writeText').mockImplementation(() => {
      throw new Error('clipboard daemon exploded at /secret/path')
    })
    const result = await send('clipboard:copy', { text: 'hello' })
    expect(result).toEqual({ ok: false, error: { kind: 'Internal', message: UNEXPECTED_ERROR } })
    expect(JSON.stringify(result)).not.toContain('exploded')
    expect(services.logged.at(-1)).toContain('clipboard daemon exploded')
  })
})

describe('secrets', () => {
  it('returns a new API key in clear once, at creation, and masked everywhere else', async () => {
    const created = await ok<{ api_key: string; key: { id: string; api_key: string } }>('keys:create', {
      name: 'ci',
      expiresInDays: 30
    })
    expect(created.api_key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/)
    expect(created.key.api_key).toBe(created.api_key.slice(0, 8) + '*'.repeat(38))
    const listed = await ok<{ api_keys: Record<string, unknown>[] }>('keys:list')
    const row = listed.api_keys.find((k) => k.id === created.key.id)
    expect(row).toBeDefined()
    // The response schema lists exactly what the renderer may see.
    // Langflow's ApiKeyRead less user_id (the desktop user's own keys), with FlowKeys' allowed_flows.
    expect(Object.keys(row as object).sort()).toEqual(API_KEY_READ_FIELDS.filter((f) => f !== 'user_id'))
    expect(JSON.stringify(listed)).not.toContain(created.api_key)
    expect(Date.parse(String(row?.expires_at)) - Date.now()).toBeGreaterThan(29 * 24 * 3600 * 1000)
    expect(await core.keys.verify(created.api_key)).not.toBeNull()
  })

  it('never returns the value of a Credential; editing replaces it', async () => {
    const created = await ok<{ id: string; value: unknown }>('variables:create', {
      name: 'OPENAI_API_KEY',
      value: CREDENTIAL,
      default_fields: ['openai_api_key']
    })
    expect(created).toMatchObject({ type: 'Credential', value: null, default_fields: ['openai_api_key'] })
    const updated = await ok('variables:update', { id: created.id, value: REPLACED })
    expect(updated).toMatchObject({ name: 'OPENAI_API_KEY', value: null })
    const renamed = await ok('variables:update', { id: created.id, name: 'OPENAI_KEY' })
    expect(renamed).toMatchObject({ name: 'OPENAI_KEY', value: null })
    // The replacement is stored (privileged read in main), but never returned.
    expect((await core.variables.get(core.desktopActor().id, 'OPENAI_KEY')).value).toBe(REPLACED)
    const listed = await ok<{ name: string; value: unknown }[]>('variables:list')
    expect(listed.find((v) => v.name === 'OPENAI_KEY')?.value).toBeNull()
  })

  it('shows a Generic value, which is not a secret', async () => {
    await ok('variables:create', { name: 'MODEL', value: 'gpt-4o', type: 'Generic' })
    const listed = await ok<{ name: string; value: unknown }[]>('variables:list')
    expect(listed.find((v) => v.name === 'MODEL')?.value).toBe('gpt-4o')
  })

  it('previews and applies a .env import without sending a value back', async () => {
    const text = [
      '# comment',
      `OPENAI_KEY=${FROM_ENV_FILE}`,
      'MODEL=gpt-4o',
      'NEW_ONE=brand-new-value',
      '1BAD=x',
      ''
    ].join('\n')
    const preview = await ok<{ entries: { name: string; line: number; status: string }[] }>(
      'envImport:preview',
      {
        text
      }
    )
    expect(preview.entries.map((e) => [e.line, e.name, e.status])).toEqual([
      [2, 'OPENAI_KEY', 'changed'],
      [3, 'MODEL', 'unchanged'],
      [4, 'NEW_ONE', 'new'],
      [5, '1BAD', 'invalid']
    ])
    // Without a choice for the conflict, nothing is imported.
    const refused = await send('envImport:apply', { text })
    expect(refused).toMatchObject({ ok: false, error: { kind: 'Conflict' } })
    const summary = await ok('envImport:apply', { text, choices: { OPENAI_KEY: 'overwrite' } })
    expect(summary).toEqual({
      created: ['NEW_ONE'],
      updated: ['OPENAI_KEY'],
      unchanged: ['MODEL'],
      skipped: [],
      invalid: [{ line: 5, message: expect.any(String) }],
      skippedLines: []
    })
    expect((await core.variables.get(core.desktopActor().id, 'OPENAI_KEY')).value).toBe(FROM_ENV_FILE)
  })

  it('a .env import: a guessed type per line, chosen types applied, skipped lines by number only', async () => {
    const text = [
      'IPC_API_KEY=ipc-key-value',
      'IPC_PORT=7860',
      `${FROM_ENV_FILE}-pasted`,
      'IPC_PORT=7861',
      ''
    ].join('\n')
    const preview = await ok<{
      entries: { name: string; type: string; duplicateLines: number[] }[]
      skippedLines: unknown[]
    }>('envImport:preview', { text })
    expect(preview.entries.map((e) => [e.name, e.type, e.duplicateLines])).toEqual([
      ['IPC_API_KEY', 'Credential', []],
      ['IPC_PORT', 'Generic', [2]]
    ])
    expect(preview.skippedLines).toEqual([{ line: 3, reason: 'no `=`' }])
    expect((await send('envImport:preview', { text, types: { IPC_PORT: 'Secret' } })).ok).toBe(false)
    const summary = await ok<{ created: string[]; skippedLines: unknown[] }>('envImport:apply', {
      text,
      types: { IPC_API_KEY: 'Generic', IPC_PORT: 'Credential' }
    })
    expect(summary.created).toEqual(['IPC_API_KEY', 'IPC_PORT'])
    expect(summary.skippedLines).toEqual([{ line: 3, reason: 'no `=`' }])
    const user = core.desktopActor().id
    expect(await core.variables.get(user, 'IPC_API_KEY')).toMatchObject({ type: 'Generic' })
    expect(await core.variables.get(user, 'IPC_PORT')).toMatchObject({ type: 'Credential', value: '7861' })
  })

  it('lists users without password hashes or store keys', async () => {
    await core.users.setStoreApiKey(core.desktopActor().id, 'store-key-secret-value-123456')
    const { users } = await ok<{ users: Record<string, unknown>[] }>('users:list')
    expect(users.length).toBeGreaterThan(0)
    for (const user of users) {
      expect(user).not.toHaveProperty('password_hash')
      expect(user).not.toHaveProperty('store_api_key')
    }
  })

  it('no response of this suite carried a stored secret', () => {
    const all = JSON.stringify(responses)
    for (const secret of [
      CREDENTIAL,
      REPLACED,
      FROM_ENV_FILE,
      'brand-new-value',
      'store-key-secret',
      'scrypt$'
    ]) {
      expect(all).not.toContain(secret)
    }
  })
})

describe('users', () => {
  it('adds, deactivates, promotes and deletes a user', async () => {
    const user = await ok<{ id: string; is_active: boolean; is_superuser: boolean }>('users:add', {
      username: 'grace',
      password: 'a long enough password'
    })
    expect(user).toMatchObject({ username: 'grace', is_active: true, is_superuser: false })
    expect(await ok('users:setActive', { id: user.id, is_active: false })).toMatchObject({ is_active: false })
    expect(await ok('users:setSuperuser', { id: user.id, is_superuser: true })).toMatchObject({
      is_superuser: true
    })
    expect(await ok('users:delete', { id: user.id })).toEqual({ ok: true })
    expect(await core.users.findByUsername('grace')).toBeUndefined()
  })

  it('edits the username and flags of a user', async () => {
    const user = await ok<{ id: string }>('users:add', {
      username: 'linus',
      password: 'a long enough password'
    })
    const edited = await ok('users:update', {
      id: user.id,
      username: '  torvalds  ',
      is_active: false,
      is_superuser: true
    })
    expect(edited).toMatchObject({ id: user.id, username: 'torvalds', is_active: false, is_superuser: true })
    expect(await core.users.findByUsername('linus')).toBeUndefined()
    expect(await core.users.findByUsername('torvalds')).toMatchObject({
      id: user.id,
      is_active: false,
      is_superuser: true
    })
    // A field left out keeps its value.
    expect(await ok('users:update', { id: user.id, is_active: true })).toMatchObject({
      username: 'torvalds',
      is_active: true,
      is_superuser: true
    })
    // The core's rules still apply: a taken username, and no self-deactivation.
    expect(await send('users:update', { id: user.id, username: 'langflow' })).toEqual({
      ok: false,
      error: { kind: 'BadRequest', message: 'This username is unavailable.' }
    })
    expect(await send('users:update', { id: core.desktopActor().id, is_active: false })).toMatchObject({
      ok: false,
      error: { kind: 'Forbidden' }
    })
  })

  it("sets another user's password: the new one signs in, the old one no longer does", async () => {
    const oldPassword = 'the first password 1'
    const newPassword = 'the NEW password set-by-admin 2'
    const user = await ok<{ id: string }>('users:add', { username: 'margaret', password: oldPassword })
    const generation = (await core.users.findRecord(user.id))?.token_generation ?? -1
    const result = await send('users:setPassword', { id: user.id, password: newPassword })
    expect(result).toMatchObject({ ok: true, value: { id: user.id, username: 'margaret' } })
    expect(JSON.stringify(result)).not.toContain(newPassword)
    expect(JSON.stringify(result)).not.toContain('scrypt$')
    expect(await core.users.checkCredentials('margaret', newPassword)).toMatchObject({ id: user.id })
    await expect(core.users.checkCredentials('margaret', oldPassword)).rejects.toThrow(
      'Incorrect username or password'
    )
    // Her sessions ended (her tokens carry the old generation).
    expect((await core.users.findRecord(user.id))?.token_generation).toBe(generation + 1)
    expect(
      await send('users:setPassword', { id: '00000000-0000-4000-8000-000000000002', password: newPassword })
    ).toEqual({
      ok: false,
      error: { kind: 'NotFound', message: 'User not found' }
    })
  })

  it('refuses a bad edit or password payload before the core sees it, without echoing a password', async () => {
    const update = vi.spyOn(core.users, 'update')
    const id = core.desktopActor().id
    for (const payload of [
      undefined,
      { username: 'x' },
      { id: 'not-a-uuid', username: 'x' },
      { id },
      { id, username: '   ' },
      { id, username: 'u'.repeat(101) },
      { id, is_active: 'yes' },
      { id, is_superuser: 1 },
      { id, password: 'a long enough password' },
      { id, username: 'x', profile_image: 'x' }
    ]) {
      expect(await send('users:update', payload)).toMatchObject({ ok: false, error: { kind: 'Invalid' } })
    }
    for (const payload of [
      undefined,
      { id },
      { password: 'a long enough password' },
      { id: 'not-a-uuid', password: 'a long enough password' },
      { id, password: 'short-1' },
      { id, password: 'p'.repeat(1025) },
      { id, password: 12345678 },
      { id, password: 'a long enough password', username: 'x' }
    ]) {
      const result = await send('users:setPassword', payload)
      expect(result).toMatchObject({ ok: false, error: { kind: 'Invalid' } })
      if (!result.ok) expect(result.error.message).not.toContain('short-1')
    }
    expect(update).not.toHaveBeenCalled()
  })
})

describe('app', () => {
  it('tells who the app acts as, and its settings', async () => {
    expect(await ok('app:whoami')).toEqual({
      id: core.desktopActor().id,
      username: 'langflow',
      is_superuser: true
    })
    expect(await ok('app:settings')).toEqual({
      serverPort: services.preferencesData.serverPort,
      autostart: true,
      clipboardClearSeconds: 30,
      dataDir: core.dataDir,
      version: '0.1.0'
    })
    expect(await ok('app:updateSettings', { autostart: false })).toMatchObject({ autostart: false })
    expect(services.preferencesData.autostart).toBe(false)
  })

  it('opens only allowlisted https links', async () => {
    expect(await ok('app:openExternal', { url: 'https://docs.langflow.org/configuration-api-keys' })).toEqual(
      { ok: true }
    )
    for (const url of [
      'https://evil.example/',
      'http://docs.langflow.org/',
      'file:///etc/passwd',
      'javascript:alert(1)'
    ]) {
      expect(await send('app:openExternal', { url })).toMatchObject({
        ok: false,
        error: { kind: 'Forbidden' }
      })
    }
    expect(services.openedExternally).toEqual(['https://docs.langflow.org/configuration-api-keys'])
  })
})

describe('the store', () => {
  it("answers the core's store location", async () => {
    const { kind, where } = core.store.location
    expect(await ok('app:store')).toEqual({ kind, where })
    if (TEST_STORE === 'file') {
      expect(await ok('app:store')).toEqual({ kind: 'file', where: join(core.dataDir, 'flowkeys.json') })
    }
    expect(await send('app:store', { kind: 'postgres' })).toMatchObject({
      ok: false,
      error: { kind: 'Invalid' }
    })
  })

  it('names a PostgreSQL store by host, port and database, never with the password of its URL', async () => {
    const url = new URL(await freshDatabaseUrl())
    // The test server trusts local connections, so it accepts any password (one the URL already has is kept).
    if (!url.password) url.password = 'pg-PASSWORD-never-shown-5e8d'
    const password = decodeURIComponent(url.password)
    const teamCore = await openCore({
      dataDir: tempDir('flowkeys-ipc-pg-'),
      env: {
        FLOWKEYS_DATABASE_URL: url.toString(),
        FLOWKEYS_SECRET_KEY: randomBytes(32).toString('base64url')
      }
    })
    try {
      const result = await createHandlerTable(teamCore, services)['app:store'](undefined)
      responses.push(result)
      expect(result).toEqual({
        ok: true,
        value: { kind: 'postgres', where: `${url.hostname}:${url.port || '5432'}/${url.pathname.slice(1)}` }
      })
      expect(JSON.stringify(result)).not.toContain(password)
      expect(JSON.stringify(result)).not.toContain(url.password)
    } finally {
      await teamCore.close()
    }
  })
})

describe('clipboard', () => {
  it('clears a copied secret 30 s later if the clipboard still holds it', async () => {
    vi.useFakeTimers()
    expect(await ok('clipboard:copy', { text: 'sk-copied-secret', secret: true })).toEqual({
      clearsInSeconds: 30
    })
    expect(services.clipboard.text).toBe('sk-copied-secret')
    await vi.advanceTimersByTimeAsync(29_000)
    expect(services.clipboard.text).toBe('sk-copied-secret')
    await vi.advanceTimersByTimeAsync(1_000)
    expect(services.clipboard.text).toBe('')
  })

  it('leaves the clipboard alone when the user copied something else meanwhile', async () => {
    vi.useFakeTimers()
    await ok('clipboard:copy', { text: 'sk-second-secret', secret: true })
    services.clipboard.writeText('something the user copied later')
    await vi.advanceTimersByTimeAsync(30_000)
    expect(services.clipboard.text).toBe('something the user copied later')
  })

  it('clears after the delay the settings name (2 min here), or never when it is 0', async () => {
    try {
      expect(await ok('app:updateSettings', { clipboardClearSeconds: 120 })).toMatchObject({
        clipboardClearSeconds: 120
      })
      expect(services.preferencesData.clipboardClearSeconds).toBe(120)
      vi.useFakeTimers()
      expect(await ok('clipboard:copy', { text: 'sk-two-minutes', secret: true })).toEqual({
        clearsInSeconds: 120
      })
      await vi.advanceTimersByTimeAsync(119_000)
      expect(services.clipboard.text).toBe('sk-two-minutes')
      await vi.advanceTimersByTimeAsync(1_000)
      expect(services.clipboard.text).toBe('')

      await ok('app:updateSettings', { clipboardClearSeconds: 0 })
      expect(await ok('clipboard:copy', { text: 'sk-kept', secret: true })).toEqual({ clearsInSeconds: null })
      await vi.advanceTimersByTimeAsync(3_600_000)
      expect(services.clipboard.text).toBe('sk-kept')
      // Only the offered delays: not a typo'd 5 s that would wipe a key before it is pasted.
      expect(await send('app:updateSettings', { clipboardClearSeconds: 5 })).toMatchObject({
        ok: false,
        error: { kind: 'Invalid' }
      })
    } finally {
      services.preferencesData.clipboardClearSeconds = 30
    }
  })

  it('never clears a copy that is not a secret', async () => {
    vi.useFakeTimers()
    expect(await ok('clipboard:copy', { text: 'http://127.0.0.1:7861' })).toEqual({ clearsInSeconds: null })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(services.clipboard.text).toBe('http://127.0.0.1:7861')
  })
})

describe('the key server', () => {
  it('starts, logs requests without their query, and stops', async () => {
    const started = await ok<{ running: boolean; url: string; port: number }>('server:start')
    expect(started).toMatchObject({
      running: true,
      port: services.preferencesData.serverPort,
      lastError: null
    })
    expect(await ok('server:start')).toEqual(started)
    const response = await fetch(`${started.url}/health?x-api-key=sk-should-never-be-logged`)
    expect(response.status).toBe(200)
    const log = await ok<{ method: string; path: string; status: number }[]>('server:accessLog', {
      limit: 10
    })
    expect(log[0]).toMatchObject({ method: 'GET', path: '/health', status: 200, keyName: null })
    expect(JSON.stringify(log)).not.toContain('sk-should-never')
    expect(await ok('server:stop')).toMatchObject({ running: false, url: null })
    await expect(fetch(`${started.url}/health`)).rejects.toThrow()
  })

  it('reports a port that is taken instead of failing', async () => {
    const first = await ok<{ port: number }>('server:start')
    const second = keyServerController(core, { port: () => first.port })
    const status = await second.start()
    expect(status).toMatchObject({ running: false, url: null, port: first.port })
    expect(status.lastError).toMatch(/already in use/)
    // The app's words: its Port field, not the CLI's --port.
    expect(status.lastError).toMatch(/change the Port below/)
    expect(status.lastError).not.toContain('--port')
    await ok('server:stop')
  })
})

describe('API keys limited to flows', () => {
  it('creates a key with allowed_flows and lists it with them', async () => {
    const id = 'A1B2C3D4-0000-4000-8000-00000000ABCD'
    const created = await ok<{ api_key: string; key: { id: string; allowed_flows: string[] | null } }>(
      'keys:create',
      { name: 'two flows', allowed_flows: [' support-bot ', id] }
    )
    // Trimmed by the contract, ids in their canonical lower-case form by the core.
    expect(created.key.allowed_flows).toEqual(['support-bot', id.toLowerCase()])
    const listed = await ok<{ api_keys: { id: string; allowed_flows: string[] | null }[] }>('keys:list')
    expect(listed.api_keys.find((k) => k.id === created.key.id)?.allowed_flows).toEqual([
      'support-bot',
      id.toLowerCase()
    ])
    expect((await core.keys.verify(created.api_key))?.key.allowed_flows).toEqual([
      'support-bot',
      id.toLowerCase()
    ])

    const open = await ok<{ key: { allowed_flows: unknown } }>('keys:create', { name: 'any flow' })
    expect(open.key.allowed_flows).toBeNull()
    const explicit = await ok<{ key: { allowed_flows: unknown } }>('keys:create', {
      name: 'any flow too',
      allowed_flows: null
    })
    expect(explicit.key.allowed_flows).toBeNull()
  })

  it('refuses an empty or blank flow list before the core sees it', async () => {
    const create = vi.spyOn(core.keys, 'create')
    for (const allowed_flows of [[], ['  '], [''], ['x'.repeat(256)], 'support-bot', [1]]) {
      expect(await send('keys:create', { name: 'bad flows', allowed_flows })).toMatchObject({
        ok: false,
        error: { kind: 'Invalid' }
      })
    }
    expect(create).not.toHaveBeenCalled()
  })
})

interface UpstreamAnswer {
  url: string
  api_key: string
  source: string
  variables: string
  reachable: boolean
  version: string | null
  key_accepted: boolean | null
  problem: string | null
  credentials: string | null
}

describe('the upstream Langflow', () => {
  let standin: StandinLangflow

  beforeAll(async () => {
    standin = await startStandinLangflow()
  })

  afterAll(async () => {
    await standin?.close()
  })

  it('shows nothing while none is set', async () => {
    expect(await send('upstream:show')).toEqual({ ok: true, value: null })
    expect(await send('upstream:show', { probe: true })).toMatchObject({
      ok: false,
      error: { kind: 'Invalid' }
    })
  })

  it('refuses a URL the core does not take, in one line, and stores nothing', async () => {
    for (const url of ['ftp://x', 'not a url', 'http://user:pw@127.0.0.1:7860', 'http://langflow.example']) {
      const result = await send('upstream:set', { url, api_key: standin.apiKey })
      expect(result, url).toMatchObject({ ok: false, error: { kind: 'Invalid' } })
      if (!result.ok) {
        expect(result.error.message).not.toMatch(/[\r\n]/)
        expect(result.error.message).not.toContain(standin.apiKey)
      }
    }
    const ftp = await send('upstream:set', { url: 'ftp://x', api_key: standin.apiKey })
    expect(ftp).toEqual({
      ok: false,
      error: { kind: 'Invalid', message: 'The upstream URL must start with http:// or https:// (got ftp:)' }
    })
    expect(core.upstream.current()).toBeNull()
    expect(readUpstreamFile(upstreamFilePath(core.dataDir))).toBeNull()
    expect(await send('upstream:show')).toEqual({ ok: true, value: null })
  })

  it('refuses a bad payload before the core sees it, without echoing the key', async () => {
    const set = vi.spyOn(core.upstream, 'set')
    for (const payload of [
      undefined,
      { url: standin.url },
      { api_key: standin.apiKey },
      { url: standin.url, api_key: '' },
      { url: '   ', api_key: standin.apiKey },
      { url: standin.url, api_key: 'k'.repeat(4097) },
      { url: `http://127.0.0.1/${'p'.repeat(2048)}`, api_key: standin.apiKey },
      { url: standin.url, api_key: standin.apiKey, allow_plain_http: 'yes' },
      { url: standin.url, api_key: standin.apiKey, source: 'environment' }
    ]) {
      const result = await send('upstream:set', payload)
      expect(result).toMatchObject({ ok: false, error: { kind: 'Invalid' } })
      if (!result.ok) expect(result.error.message).not.toContain(standin.apiKey)
    }
    expect(set).not.toHaveBeenCalled()
    expect(core.upstream.current()).toBeNull()
  })

  it('sets the upstream, then shows it with its key masked and a probe of it', async () => {
    const result = await send('upstream:set', { url: `  ${standin.url}/  `, api_key: standin.apiKey })
    const expected: UpstreamAnswer = {
      url: standin.url,
      api_key: maskApiKey(standin.apiKey),
      source: 'data-dir',
      variables: 'all',
      reachable: true,
      version: '1.12.0',
      key_accepted: true, // its /api/v1/users/whoami took the key
      problem: null,
      // Langflow 1.12 reads request variables: runs carry all of the caller's variables so.
      credentials: 'all-as-headers'
    }
    expect(result).toEqual({ ok: true, value: expected })
    expect(await send('upstream:show')).toEqual({ ok: true, value: expected })
    expect(core.upstream.current()).toMatchObject({ url: standin.url, apiKey: standin.apiKey })
    // The key is stored encrypted, never as given.
    const stored = readUpstreamFile(upstreamFilePath(core.dataDir))
    expect(stored).toMatchObject({ url: standin.url, allow_plain_http: false })
    expect(JSON.stringify(stored)).not.toContain(standin.apiKey)
    // The probe went to the upstream with its own key.
    expect(standin.received.some((r) => r.path === '/api/v1/version')).toBe(true)
  })

  it('passes allow_plain_http on to the core', async () => {
    await ok('upstream:set', { url: standin.url, api_key: standin.apiKey, allow_plain_http: true })
    expect(readUpstreamFile(upstreamFilePath(core.dataDir))).toMatchObject({ allow_plain_http: true })
  })

  it('saves which variables runs carry, and says what runs get', async () => {
    const named = await send('upstream:set', {
      url: standin.url,
      api_key: standin.apiKey,
      variables: 'named'
    })
    expect(named).toMatchObject({ ok: true, value: { variables: 'named', credentials: 'named-as-headers' } })
    expect(readUpstreamFile(upstreamFilePath(core.dataDir))).toMatchObject({ variables: 'named' })
    // Setting it again without the choice is all of them again.
    const all = await send('upstream:set', { url: standin.url, api_key: standin.apiKey })
    expect(all).toMatchObject({ ok: true, value: { variables: 'all', credentials: 'all-as-headers' } })
    const bad = await send('upstream:set', { url: standin.url, api_key: standin.apiKey, variables: 'some' })
    expect(bad).toMatchObject({ ok: false, error: { kind: 'Invalid' } })
  })

  it('says when the upstream does not answer, in one line without the key', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`
    const apiKey = 'sk-unreachable-upstream-key-0123456789'
    const result = await send('upstream:set', { url: closed, api_key: apiKey })
    expect(result).toMatchObject({
      ok: true,
      value: {
        url: closed,
        source: 'data-dir',
        reachable: false,
        version: null,
        key_accepted: null,
        credentials: null
      }
    })
    const problem = result.ok ? (result.value as UpstreamAnswer).problem : null
    expect(problem).toEqual(expect.any(String))
    expect(problem).not.toMatch(/[\r\n]/)
    expect(JSON.stringify(result)).not.toContain(apiKey)
  })

  it('clears the upstream, and says when there was none', async () => {
    await ok('upstream:set', { url: standin.url, api_key: standin.apiKey })
    expect(await send('upstream:clear')).toEqual({ ok: true, value: { cleared: true } })
    expect(await send('upstream:show')).toEqual({ ok: true, value: null })
    expect(core.upstream.current()).toBeNull()
    expect(readUpstreamFile(upstreamFilePath(core.dataDir))).toBeNull()
    expect(await send('upstream:clear')).toEqual({ ok: true, value: { cleared: false } })
    expect(await send('upstream:clear', {})).toMatchObject({ ok: false, error: { kind: 'Invalid' } })
  })

  it('shows an upstream FLOWKEYS_UPSTREAM_URL decides, and refuses to change it here', async () => {
    const envKey = 'sk-environment-upstream-key-abcdef0123'
    const envCore = await testCore({ FLOWKEYS_UPSTREAM_URL: standin.url, FLOWKEYS_UPSTREAM_API_KEY: envKey })
    const envTable = createHandlerTable(envCore, services)
    const shown = await envTable['upstream:show'](undefined)
    expect(shown).toEqual({
      ok: true,
      value: {
        url: standin.url,
        api_key: maskApiKey(envKey),
        source: 'environment',
        variables: 'all',
        reachable: true,
        version: '1.12.0',
        // Not the stand-in's key: it refuses it, and the answer says so in one line.
        key_accepted: false,
        problem: `The Langflow upstream at ${standin.url} refuses FlowKeys' API key for it (403)`,
        credentials: 'all-as-headers'
      }
    })
    const set = await envTable['upstream:set']({ url: standin.url, api_key: standin.apiKey })
    expect(set).toMatchObject({ ok: false, error: { kind: 'Conflict' } })
    if (!set.ok) expect(set.error.message).toContain('FLOWKEYS_UPSTREAM_URL')
    expect(await envTable['upstream:clear'](undefined)).toMatchObject({
      ok: false,
      error: { kind: 'Conflict' }
    })
    responses.push(shown, set)
    expect(JSON.stringify([shown, set])).not.toContain(envKey)
    expect(readUpstreamFile(upstreamFilePath(envCore.dataDir))).toBeNull()
  })

  it('no response carried an upstream key in clear', () => {
    const all = JSON.stringify(responses)
    expect(all).not.toContain(standin.apiKey)
    expect(all).not.toContain('sk-unreachable-upstream-key')
    expect(all).not.toContain('sk-environment-upstream-key')
  })
})

describe('the vault', () => {
  // A core of its own: it starts without a recovery key, and its rotation touches no other suite's data.
  let vaultCore: Core
  let vaultServices: TestServices
  let vaultTable: HandlerTable
  const PASSPHRASE = 'correct horse battery staple'
  const GENERIC = 'generic-value-before-rotation-5d2e'
  const SEALED = 'credential-before-rotation-a41f'

  beforeAll(async () => {
    vaultCore = await testCore()
    vaultServices = await testServices(vaultCore)
    vaultTable = createHandlerTable(vaultCore, vaultServices)
  })

  afterAll(async () => {
    await vaultServices?.server.stop()
  })

  const vaultSend = async (channel: Channel, payload?: unknown): Promise<IpcResult<unknown>> => {
    const result = await (vaultTable[channel] as (payload: unknown) => Promise<IpcResult<unknown>>)(payload)
    responses.push(result)
    return result
  }
  const vaultOk = async <T = unknown>(channel: Channel, payload?: unknown): Promise<T> => {
    const result = await vaultSend(channel, payload)
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.kind}: ${result.error.message}`)
    return result.value as T
  }
  /** The master key a recovery key opens from the store's envelope (throws when it does not open it). */
  const opened = async (recoveryKey: string): Promise<Buffer> => {
    const envelope = (await vaultCore.store.vaultMeta()).vault_recovery
    if (!envelope) throw new Error('the store has no recovery envelope')
    return openWithRecovery(parseRecoveryKey(recoveryKey), envelope)
  }

  it('says there is no recovery key yet, and that the vault key is in the keychain', async () => {
    expect(await vaultSend('vault:status')).toEqual({
      ok: true,
      value: { has_recovery_key: false, key_source: 'keychain' }
    })
    expect(await vaultSend('vault:status', {})).toMatchObject({ ok: false, error: { kind: 'Invalid' } })
  })

  it('names the environment as the key source when the vault key comes from it', async () => {
    const envCore = await testCore({ FLOWKEYS_SECRET_KEY: randomBytes(32).toString('base64url') })
    const envTable = createHandlerTable(envCore, vaultServices)
    expect(await envTable['vault:status'](undefined)).toEqual({
      ok: true,
      value: { has_recovery_key: false, key_source: 'environment' }
    })
    // Such a key cannot be replaced from here: the core says why, and nothing changes.
    const before = envCore.vault.id
    const rotated = await envTable['vault:rotate'](undefined)
    expect(rotated).toMatchObject({ ok: false, error: { kind: 'Unavailable' } })
    if (!rotated.ok) expect(rotated.error.message).toContain('FLOWKEYS_SECRET_KEY')
    expect(envCore.vault.id).toBe(before)
  })

  it('makes a recovery key that opens the vault key; a new one replaces it', async () => {
    const first = await vaultOk<{ recovery_key: string }>('vault:recovery-key')
    expect(first.recovery_key).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){7}$/)
    expect(await hasRecoveryKey(vaultCore.store)).toBe(true)
    expect(await vaultOk('vault:status')).toEqual({ has_recovery_key: true, key_source: 'keychain' })
    expect((await opened(first.recovery_key)).equals(vaultCore.vault.exportMasterKey())).toBe(true)

    const second = await vaultOk<{ recovery_key: string }>('vault:recovery-key')
    expect(second.recovery_key).not.toBe(first.recovery_key)
    expect((await opened(second.recovery_key)).equals(vaultCore.vault.exportMasterKey())).toBe(true)
    await expect(opened(first.recovery_key)).rejects.toThrow(/another store|earlier recovery key/)
    // The store keeps no copy of the key's text.
    const stored = JSON.stringify(await vaultCore.store.exportAll())
    for (const key of [first, second]) expect(stored).not.toContain(key.recovery_key)
  })

  it('writes a backup where the save dialog says: 0600, and it opens with the passphrase', async () => {
    const actor = vaultCore.desktopActor()
    await vaultCore.variables.create(actor.id, { name: 'BACKED_UP', value: SEALED })
    const asked = vaultServices.saveDialogs.count
    const done = await vaultOk<{ cancelled: false; file: string; users: number; variables: number }>(
      'vault:backup',
      { passphrase: PASSPHRASE }
    )
    expect(vaultServices.saveDialogs.count).toBe(asked + 1)
    const store = await vaultCore.store.exportAll()
    expect(done).toEqual({
      cancelled: false,
      file: expect.stringMatching(/\.fkbackup$/),
      users: store.users.length,
      api_keys: store.api_keys.length,
      variables: store.variables.length
    })
    expect(done.variables).toBeGreaterThan(0)
    expect(statSync(done.file).mode & 0o777).toBe(0o600)

    const backup = await openBackup(done.file, readFileSync(done.file), PASSPHRASE)
    expect(backup.vaultKey.equals(vaultCore.vault.exportMasterKey())).toBe(true)
    const body = JSON.parse(backup.body.toString('utf8')) as { store: { variables: { name: string }[] } }
    expect(body.store.variables.map((v) => v.name)).toContain('BACKED_UP')
    await expect(openBackup(done.file, readFileSync(done.file), `${PASSPHRASE}!`)).rejects.toThrow(
      /Wrong passphrase/
    )
    // Sealed: neither the value nor the passphrase is in the file.
    const text = readFileSync(done.file, 'utf8')
    expect(text).not.toContain(SEALED)
    expect(text).not.toContain(PASSPHRASE)
  })

  it('replaces a file the save dialog chose (it asked), unless told not to', async () => {
    const file = join(tempDir('flowkeys-ipc-backup-'), 'existing.fkbackup')
    writeFileSync(file, 'an older file\n')
    vaultServices.backupPaths.push(file, file)
    expect(await vaultSend('vault:backup', { passphrase: PASSPHRASE, force: false })).toMatchObject({
      ok: false,
      error: { kind: 'Conflict' }
    })
    expect(readFileSync(file, 'utf8')).toBe('an older file\n')
    expect(await vaultOk('vault:backup', { passphrase: PASSPHRASE })).toMatchObject({
      cancelled: false,
      file
    })
    expect((await openBackup(file, readFileSync(file), PASSPHRASE)).vaultKey.length).toBe(32)
  })

  it('answers cancelled when the save dialog is cancelled', async () => {
    vaultServices.backupPaths.push(null)
    const asked = vaultServices.saveDialogs.count
    expect(await vaultSend('vault:backup', { passphrase: PASSPHRASE })).toEqual({
      ok: true,
      value: { cancelled: true }
    })
    expect(vaultServices.saveDialogs.count).toBe(asked + 1)
  })

  it('refuses a weak passphrase with the rule it breaks, before asking where', async () => {
    const asked = vaultServices.saveDialogs.count
    for (const weak of ['short-one', 'aaaaaaaaaaaaaaaa', '123456789012345', 'Password123456!']) {
      const rule = passphraseProblem(weak)
      expect(rule, weak).not.toBeNull()
      const result = await vaultSend('vault:backup', { passphrase: weak })
      expect(result, weak).toEqual({
        ok: false,
        error: { kind: 'Invalid', message: `${rule} Nothing was written.` }
      })
      if (!result.ok) expect(result.error.message).not.toContain(weak)
    }
    for (const payload of [undefined, {}, { passphrase: '' }, { passphrase: PASSPHRASE, path: '/tmp/x' }]) {
      expect(await vaultSend('vault:backup', payload)).toMatchObject({
        ok: false,
        error: { kind: 'Invalid' }
      })
    }
    expect(vaultServices.saveDialogs.count).toBe(asked)
  })

  it('rotates the vault key: variables read back, API keys keep working, the recovery key still opens it', async () => {
    const actor = vaultCore.desktopActor()
    const generic = await vaultOk<{ id: string }>('variables:create', {
      name: 'ROTATED_GENERIC',
      value: GENERIC,
      type: 'Generic'
    })
    const { api_key } = await vaultOk<{ api_key: string }>('keys:create', { name: 'survives rotation' })
    const { recovery_key } = await vaultOk<{ recovery_key: string }>('vault:recovery-key')
    const before = { id: vaultCore.vault.id, master: vaultCore.vault.exportMasterKey() }
    const store = await vaultCore.store.exportAll()
    const storeKeys = store.users.filter((u) => u.store_api_key !== null).length

    expect(await vaultSend('vault:rotate')).toEqual({
      ok: true,
      value: { variables: store.variables.length, store_keys: storeKeys }
    })
    expect(vaultCore.vault.id).not.toBe(before.id)
    expect(vaultCore.vault.exportMasterKey().equals(before.master)).toBe(false)

    // Through the handlers, as the app reads them: the Generic value shows, the Credential stays hidden.
    const listed = await vaultOk<{ id: string; name: string; value: string | null }[]>('variables:list')
    expect(listed.find((v) => v.id === generic.id)?.value).toBe(GENERIC)
    expect(listed.find((v) => v.name === 'BACKED_UP')?.value).toBeNull()
    expect((await vaultCore.variables.get(actor.id, 'BACKED_UP')).value).toBe(SEALED)
    expect(await vaultOk('variables:update', { id: generic.id, value: `${GENERIC}-2` })).toMatchObject({
      value: `${GENERIC}-2`
    })
    expect(await vaultCore.keys.verify(api_key)).not.toBeNull()
    expect((await opened(recovery_key)).equals(vaultCore.vault.exportMasterKey())).toBe(true)
    expect(await vaultSend('vault:rotate', {})).toMatchObject({ ok: false, error: { kind: 'Invalid' } })
  })

  it('no vault response carried the passphrase or a stored value', () => {
    const all = JSON.stringify(responses)
    for (const secret of [PASSPHRASE, SEALED]) expect(all).not.toContain(secret)
  })
})

describe("a Credential's reveal", () => {
  const VALUE = 'sk-proj-REVEALED-after-password-d41c'
  const OTHERS = 'sk-proj-OTHER-users-value-8b2e'
  let revealCore: Core
  let reveal: HandlerTable
  let id: string

  beforeAll(async () => {
    revealCore = await testCore({ LANGFLOW_SUPERUSER_PASSWORD: 'the superuser password' })
    reveal = createHandlerTable(revealCore, await testServices(revealCore))
    const created = await reveal['variables:create']({ name: 'STRIPE_KEY', value: VALUE })
    if (!created.ok) throw new Error(created.error.message)
    id = created.value.id
  })

  const reads = (): { variable?: string; outcome?: string; keyName?: string | null }[] =>
    revealCore.accessLog
      .recent(100, (e) => e.kind === 'credential')
      .map((e) => ({ variable: e.variable, outcome: e.outcome, keyName: e.keyName }))

  it('lists created and updated times in the app view only, never over HTTP', async () => {
    const listed = await reveal['variables:list'](undefined)
    expect(listed.ok && listed.value[0]).toMatchObject({
      name: 'STRIPE_KEY',
      value: null,
      created_at: expect.any(String),
      updated_at: expect.any(String)
    })
    const http = await revealCore.variables.list(revealCore.desktopActor().id)
    expect(Object.keys(http[0]!).sort()).toEqual(['default_fields', 'id', 'name', 'type', 'value'])
  })

  it('refuses without a password, before anything is read', async () => {
    for (const payload of [{ id }, { id, password: '' }, { password: 'the superuser password' }]) {
      const result = await reveal['variables:reveal'](payload)
      expect(result).toMatchObject({ ok: false, error: { kind: 'Invalid' } })
      expect(JSON.stringify(result)).not.toContain(VALUE)
    }
    expect(reads()).toEqual([])
  })

  it('refuses a wrong password in one clear line, and logs the refused read', async () => {
    const result = await reveal['variables:reveal']({ id, password: 'langflow' })
    expect(result).toEqual({
      ok: false,
      error: { kind: 'Unauthorized', message: 'Incorrect password. The value stays hidden.' }
    })
    expect(reads()).toEqual([{ variable: 'STRIPE_KEY', outcome: 'refused', keyName: 'desktop app' }])
  })

  it("answers the value for the superuser's password, and logs the read", async () => {
    const result = await reveal['variables:reveal']({ id, password: 'the superuser password' })
    expect(result).toEqual({ ok: true, value: { id, name: 'STRIPE_KEY', value: VALUE } })
    expect(reads()[0]).toEqual({ variable: 'STRIPE_KEY', outcome: 'served', keyName: 'desktop app' })
    // Every other answer keeps it hidden.
    const listed = await reveal['variables:list'](undefined)
    expect(JSON.stringify(listed)).not.toContain(VALUE)
  })

  it("does not reach another user's variable, even with the right password", async () => {
    const other = await revealCore.users.create(revealCore.desktopActor(), {
      username: 'mallory',
      password: 'a long password'
    })
    const theirs = await revealCore.variables.create(other.id, { name: 'THEIRS', value: OTHERS })
    const result = await reveal['variables:reveal']({ id: theirs.id, password: 'the superuser password' })
    expect(result).toMatchObject({ ok: false, error: { kind: 'NotFound' } })
    expect(JSON.stringify(result)).not.toContain(OTHERS)
    expect(reads()[0]).toMatchObject({ outcome: 'not_found' })
  })

  it('after 5 wrong passwords in a minute, refuses even the right one for a while', async () => {
    for (let i = 0; i < 4; i++) {
      // One wrong try is already counted by the test above.
      expect(await reveal['variables:reveal']({ id, password: `wrong-${i}` })).toMatchObject({
        ok: false,
        error: { kind: 'Unauthorized' }
      })
    }
    const limited = await reveal['variables:reveal']({ id, password: 'the superuser password' })
    expect(limited).toMatchObject({ ok: false, error: { kind: 'RateLimited' } })
    expect(JSON.stringify(limited)).not.toContain(VALUE)
    expect(reads()[0]).toMatchObject({ variable: 'STRIPE_KEY', outcome: 'refused' })
  })

  it('deletes several variables in one request: all of them, or none when one is unknown', async () => {
    const userId = revealCore.desktopActor().id
    const made = await Promise.all(
      ['A_ONE', 'A_TWO', 'A_THREE'].map((name) => revealCore.variables.create(userId, { name, value: 'x' }))
    )
    const missing = '00000000-0000-4000-8000-000000000000'
    expect(await reveal['variables:deleteMany']({ ids: [made[0]!.id, missing] })).toMatchObject({
      ok: false,
      error: { kind: 'NotFound' }
    })
    expect((await revealCore.variables.list(userId)).map((v) => v.name)).toContain('A_ONE')
    expect(await reveal['variables:deleteMany']({ ids: made.map((v) => v.id) })).toEqual({
      ok: true,
      value: { deleted: 3 }
    })
    expect((await revealCore.variables.list(userId)).map((v) => v.name)).not.toContain('A_ONE')
    expect(await reveal['variables:deleteMany']({ ids: [] })).toMatchObject({
      ok: false,
      error: { kind: 'Invalid' }
    })
  })
})
