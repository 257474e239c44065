import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openCore } from '../../src/main/core/open'
import { STORE_FILE } from '../../src/main/store/data-file'
import { cliEnv, flowkeys } from '../cli/helpers'
import { freshDatabaseUrl } from '../helpers/postgres'
import { tempDir } from '../helpers/tmp'

// `flowkeys store copy`: a file store to PostgreSQL and back, all or nothing, keys still working afterwards.
const root = tempDir('flowkeys-store-copy-')

describe('flowkeys store copy', () => {
  it('copies a file store to a database and back: values read back, keys still verify, no overwrite without --force', async () => {
    const key = randomBytes(32).toString('base64url')
    const fileDir = join(root, 'file')
    const source = await openCore({ dataDir: fileDir, env: { FLOWKEYS_SECRET_KEY: key } })
    const owner = source.superuser()
    await source.variables.create(owner.id, {
      name: 'OPENAI_API_KEY',
      value: 'sk-copied-value',
      type: 'Credential'
    })
    const { api_key } = await source.keys.create(owner, { name: 'ci' })
    await source.close()

    const url = await freshDatabaseUrl()
    const env = cliEnv({ FLOWKEYS_SECRET_KEY: key })
    const copied = await flowkeys(['--data-dir', fileDir, 'store', 'copy', '--to', url], { env })
    expect(copied.stderr).toBe('')
    expect(copied.code).toBe(0)
    expect(copied.stdout).toMatch(/^Copied 1 users, 1 API keys and 1 variables to /)

    const team = await openCore({
      dataDir: join(root, 'team'),
      env: { FLOWKEYS_SECRET_KEY: key, FLOWKEYS_DATABASE_URL: url }
    })
    expect(team.store.location.kind).toBe('postgres')
    expect((await team.variables.get(team.superuser().id, 'OPENAI_API_KEY')).value).toBe('sk-copied-value')
    expect((await team.keys.verify(api_key))?.key.name).toBe('ci')
    await team.variables.create(team.superuser().id, { name: 'ADDED_ON_TEAM', value: 'v2', type: 'Generic' })
    await team.close()

    // The database now holds data: a second copy is refused and changes nothing.
    const again = await flowkeys(['--data-dir', fileDir, 'store', 'copy', '--to', url], { env })
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/is not empty; nothing was copied \(replace it with --force\)/)

    // And back, from the database to a new folder.
    const backDir = join(root, 'back')
    const back = await flowkeys(['--data-dir', join(root, 'cli'), 'store', 'copy', '--to', backDir], {
      env: cliEnv({ FLOWKEYS_SECRET_KEY: key, FLOWKEYS_DATABASE_URL: url })
    })
    expect(back.stderr).toBe('')
    expect(back.code).toBe(0)
    const local = await openCore({ dataDir: backDir, env: { FLOWKEYS_SECRET_KEY: key } })
    expect(local.store.location.kind).toBe('file')
    expect((await local.variables.get(local.superuser().id, 'ADDED_ON_TEAM')).value).toBe('v2')
    expect((await local.keys.verify(api_key))?.user.id).toBe(local.superuser().id)
    await local.close()
  })
  it('refuses a date PostgreSQL cannot hold in one line, naming the record, and copies nothing', async () => {
    const key = randomBytes(32).toString('base64url')
    const fileDir = join(root, 'far-future')
    const source = await openCore({ dataDir: fileDir, env: { FLOWKEYS_SECRET_KEY: key } })
    const created = await source.keys.create(source.superuser(), { name: 'forever' })
    await source.close()
    // A store written before expiry dates were bounded may hold one past year 9999 (an extended ISO year).
    const file = join(fileDir, STORE_FILE)
    const data = JSON.parse(readFileSync(file, 'utf8')) as {
      api_keys: { id: string; expires_at: string | null }[]
    }
    data.api_keys.find((k) => k.id === created.key.id)!.expires_at = '+010000-01-01T00:00:00.000Z'
    writeFileSync(file, JSON.stringify(data))

    const url = await freshDatabaseUrl()
    const env = cliEnv({ FLOWKEYS_SECRET_KEY: key })
    const copied = await flowkeys(['--data-dir', fileDir, 'store', 'copy', '--to', url], { env })
    expect(copied.stderr).toBe(
      `flowkeys: API key ${created.key.id} has a date PostgreSQL cannot hold (expires_at +010000-01-01T00:00:00.000Z); nothing was copied\n`
    )
    expect(copied.code).toBe(1)
    const team = await openCore({
      dataDir: join(root, 'far-future-team'),
      env: { FLOWKEYS_SECRET_KEY: key, FLOWKEYS_DATABASE_URL: url }
    })
    expect((await team.keys.list(team.superuser())).api_keys).toEqual([])
    await team.close()
  })
})
