import { randomBytes } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/main/core/open'
import { restoreBackup, writeBackup } from '../../src/main/recovery/backup'
import type { Keychain } from '../../src/main/vault/keychain'
import { cliEnv, flowkeys } from '../cli/helpers'
import { caught } from '../helpers/errors'
import { freshDatabaseUrl, sqlIn } from '../helpers/postgres'
import { tempDir } from '../helpers/tmp'

// Backup, restore and rotation on the team store: the key comes from FLOWKEYS_SECRET_KEY(_FILE), never a keychain.

const root = tempDir('flowkeys-recovery-pg-')
const PASSPHRASE = 'harbor-violet-quartz-83'
const cores: Core[] = []
afterAll(async () => {
  for (const core of cores) await core.close()
})

/** No keychain may be touched on a team store. */
const noKeychain: Keychain = {
  get: () => Promise.reject(new Error('keychain used')),
  set: () => Promise.reject(new Error('keychain used')),
  delete: () => Promise.reject(new Error('keychain used'))
}

async function teamCore(url: string, env: NodeJS.ProcessEnv): Promise<Core> {
  const core = await openCore({
    dataDir: join(root, `server-${cores.length}`),
    env: { FLOWKEYS_DATABASE_URL: url, ...env },
    keychain: noKeychain
  })
  cores.push(core)
  return core
}

const key = (): string => randomBytes(32).toString('base64url')

describe('the team store', () => {
  it('backs up and restores into another database with the same key; another key is refused', async () => {
    const secretKey = key()
    const source = await teamCore(await freshDatabaseUrl(), { FLOWKEYS_SECRET_KEY: secretKey })
    const owner = source.superuser()
    await source.variables.create(owner.id, {
      name: 'OPENAI_API_KEY',
      value: 'sk-team-canary-1',
      type: 'Credential'
    })
    const { api_key } = await source.keys.create(owner, { name: 'ci' })
    const file = join(root, 'team.fkbackup')
    await writeBackup(source, file, PASSPHRASE)
    expect(statSync(file).mode & 0o777).toBe(0o600)

    const target = await freshDatabaseUrl()
    const restore = (env: NodeJS.ProcessEnv) =>
      restoreBackup(file, readFileSync(file), PASSPHRASE, {
        dataDir: join(root, 'restored'),
        databaseUrl: target,
        env,
        keychain: noKeychain
      })
    expect((await caught(() => restore({ FLOWKEYS_SECRET_KEY: key() }))).message).toMatch(
      /FLOWKEYS_SECRET_KEY holds another vault key than the backup's; nothing was restored/
    )
    expect((await caught(() => restore({}))).message).toMatch(
      /FLOWKEYS_SECRET_KEY or FLOWKEYS_SECRET_KEY_FILE/
    )
    expect(await sqlIn(target, 'SELECT id FROM users').catch(() => [])).toEqual([])

    const done = await restore({ FLOWKEYS_SECRET_KEY: secretKey })
    expect(done).toMatchObject({ users: 1, api_keys: 1, variables: 1, key: 'environment' })
    const restored = await teamCore(target, { FLOWKEYS_SECRET_KEY: secretKey })
    expect((await restored.variables.get(restored.superuser().id, 'OPENAI_API_KEY')).value).toBe(
      'sk-team-canary-1'
    )
    expect((await restored.auth.authenticate({ apiKey: api_key })).user.id).toBe(owner.id)
  })

  it('rotates with --new-key-file; a server reading FLOWKEYS_SECRET_KEY_FILE follows once the file changes', async () => {
    const url = await freshDatabaseUrl()
    const keyFile = join(root, 'mounted-key')
    writeFileSync(keyFile, key(), { mode: 0o600 })
    const server = await teamCore(url, { FLOWKEYS_SECRET_KEY_FILE: keyFile })
    const owner = server.superuser()
    await server.variables.create(owner.id, {
      name: 'ANTHROPIC_API_KEY',
      value: 'sk-ant-team-2',
      type: 'Credential'
    })
    const { api_key } = await server.keys.create(owner, { name: 'ci' })

    const newKeyFile = join(root, 'new-key')
    const rotated = await flowkeys(['rotate-key', '--new-key-file', newKeyFile], {
      env: cliEnv({
        FLOWKEYS_DATABASE_URL: url,
        FLOWKEYS_SECRET_KEY_FILE: keyFile,
        FLOWKEYS_DATA_DIR: join(root, 'cli')
      })
    })
    expect(rotated.code, rotated.stderr).toBe(0)
    expect(rotated.stderr).toMatch(/Set FLOWKEYS_SECRET_KEY_FILE=.*new-key on every server/)
    expect(statSync(newKeyFile).mode & 0o777).toBe(0o600)
    const [meta] = await sqlIn(url, 'SELECT vault_hmac FROM meta')
    expect(meta?.vault_hmac).toMatch(/^gAAAAA/)

    // The operator deploys the new key to the mounted file: the running server picks it up, no restart.
    writeFileSync(keyFile, readFileSync(newKeyFile))
    expect((await server.variables.get(owner.id, 'ANTHROPIC_API_KEY')).value).toBe('sk-ant-team-2')
    expect((await server.auth.authenticate({ apiKey: api_key })).user.id).toBe(owner.id)
    const fresh = await teamCore(url, { FLOWKEYS_SECRET_KEY_FILE: newKeyFile })
    expect((await fresh.variables.get(owner.id, 'ANTHROPIC_API_KEY')).value).toBe('sk-ant-team-2')
  })
})
