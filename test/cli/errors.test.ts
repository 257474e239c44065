import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp'
import { cliEnv, expectOneLineError, flowkeys, KEY_PATTERN } from './helpers'

const root = tempDir('flowkeys-cli-errors-')
/** A D-Bus session that does not exist: the OS keychain cannot be reached. */
const noKeychain = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(root, 'no-bus')}` }

describe('failures are one line on stderr', () => {
  it('no keychain and no FLOWKEYS_SECRET_KEY: exit 1 with one clear line', async () => {
    const result = await flowkeys(['keys', 'list', '--data-dir', join(root, 'a')], {
      env: cliEnv(noKeychain)
    })
    const line = expectOneLineError(result, 1)
    expect(line).toMatch(/keychain/i)
    expect(line).toContain('FLOWKEYS_SECRET_KEY')
    expect(result.stdout).toBe('')
  })

  it('LANGFLOW_SECRET_KEY stands in for the keychain, and never shows in the output', async () => {
    const secret = randomBytes(32).toString('base64url')
    const env = cliEnv({ ...noKeychain, LANGFLOW_SECRET_KEY: secret })
    const result = await flowkeys(['api-key', '--data-dir', join(root, 'b')], { env })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout.match(KEY_PATTERN)).toHaveLength(1)
    expect(result.stdout).not.toContain(secret)
    const bad = await flowkeys(['keys', 'list', '--data-dir', join(root, 'c')], {
      env: cliEnv({ ...noKeychain, LANGFLOW_SECRET_KEY: 'not-a-key' })
    })
    expect(expectOneLineError(bad, 2)).not.toContain('not-a-key')
  })

  it('a store that cannot be read: exit 1, one line naming it', async () => {
    const dir = join(root, 'unreadable')
    mkdirSync(join(dir, 'flowkeys.json'), { recursive: true })
    const result = await flowkeys(['keys', 'list', '--data-dir', dir])
    expect(expectOneLineError(result, 1)).toContain(join(dir, 'flowkeys.json'))
  })

  it('a broken store file: exit 1, one line naming it', async () => {
    const dir = join(root, 'broken')
    await flowkeys(['keys', 'list', '--data-dir', dir])
    writeFileSync(join(dir, 'flowkeys.json'), '{"version": 1, "users": [')
    const result = await flowkeys(['keys', 'list', '--data-dir', dir])
    expect(expectOneLineError(result, 1)).toContain('flowkeys.json')
  })

  it('--data-dir works before the command name and refuses an empty value', async () => {
    const dir = join(root, 'before')
    const result = await flowkeys(['--data-dir', dir, 'keys', 'list', '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual([])
    expectOneLineError(await flowkeys(['keys', 'list', '--data-dir', '']), 2)
  })
})
