import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openCore } from '../../src/main/core/open'
import { cliEnv, flowkeys } from '../cli/helpers'
import { freshDatabaseUrl, sqlIn } from '../helpers/postgres'
import { tempDir } from '../helpers/tmp'

// The team store's guards (SECURITY.md): a database dump holds no secret in clear, a password never rides on argv,
// and a server never falls back to the OS keychain for a shared vault.
const root = tempDir('flowkeys-pg-secrets-')
const secretKey = () => randomBytes(32).toString('base64url')

describe('the PostgreSQL store keeps secrets sealed', () => {
  it('a dump of every table holds no variable value, no API key, no password and not the vault key', async () => {
    const url = await freshDatabaseUrl()
    const key = secretKey()
    const password = `pw-${randomBytes(8).toString('hex')}`
    const core = await openCore({
      dataDir: join(root, 'dump'),
      env: { FLOWKEYS_DATABASE_URL: url, FLOWKEYS_SECRET_KEY: key, LANGFLOW_SUPERUSER_PASSWORD: password }
    })
    const value = `sk-live-${randomBytes(12).toString('hex')}`
    const generic = `generic-${randomBytes(12).toString('hex')}`
    const owner = core.superuser()
    await core.variables.create(owner.id, { name: 'OPENAI_API_KEY', value, type: 'Credential' })
    await core.variables.create(owner.id, { name: 'REGION', value: generic, type: 'Generic' })
    const { api_key } = await core.keys.create(owner, { name: 'ci' })
    await core.users.setStoreApiKey(owner.id, 'store-secret-value-42')
    // Proves the data went to this database (and reads back through the core).
    expect((await core.variables.get(owner.id, 'OPENAI_API_KEY')).value).toBe(value)
    await core.close()

    const tables = await sqlIn<{ tablename: string }>(
      url,
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    )
    expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(['users', 'api_keys', 'variables']))
    let dump = ''
    for (const { tablename } of tables)
      dump += JSON.stringify(await sqlIn(url, `SELECT * FROM "${tablename}"`))
    expect(dump).toContain('OPENAI_API_KEY')
    for (const secret of [value, generic, api_key, password, key, 'store-secret-value-42'])
      expect(dump).not.toContain(secret)
  })

  it('refuses --database-url with a password, without echoing it', async () => {
    const result = await flowkeys([
      '--database-url',
      'postgresql://flowkeys:hunter2-secret@127.0.0.1:1/flowkeys',
      '--data-dir',
      join(root, 'argv'),
      'store',
      'show'
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/--database-url must not hold a password/)
    expect(result.stderr + result.stdout).not.toContain('hunter2-secret')
  })

  it('a team store needs the vault key from the environment, never the OS keychain', async () => {
    const url = await freshDatabaseUrl()
    const result = await flowkeys(['--data-dir', join(root, 'nokey'), 'store', 'show'], {
      env: cliEnv({ FLOWKEYS_DATABASE_URL: url })
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/needs the same vault key on every server: set FLOWKEYS_SECRET_KEY/)
    const shown = await flowkeys(['--data-dir', join(root, 'withkey'), 'store', 'show'], {
      env: cliEnv({ FLOWKEYS_DATABASE_URL: url, FLOWKEYS_SECRET_KEY: secretKey() })
    })
    expect(shown.stderr).toBe('')
    expect(shown.stdout.trim()).toBe(`PostgreSQL ${new URL(url).host}${new URL(url).pathname}`)
  })
})
