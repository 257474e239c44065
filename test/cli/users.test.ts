import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/main/core/open'
import type { UserRead } from '../../src/main/users/service'
import { tempDir } from '../helpers/tmp'
import { expectNoFileHolds, expectOneLineError, ok, recordingRun, type CliResult } from './helpers'

const root = tempDir('flowkeys-cli-users-')

describe('flowkeys users', () => {
  const dataDir = join(root, 'data')
  const password = `pw-${randomUUID()}`
  const outputs: CliResult[] = []
  let core: Core

  const runIn = recordingRun(outputs)
  const run = (args: string[], input?: string) => runIn(dataDir, args, input)
  const user = (username: string) => core.users.findByUsername(username)

  beforeAll(async () => {
    await ok(dataDir, ['users', 'list'])
    core = await openCore({ dataDir, env: {} })
  })
  afterAll(() => core?.close())

  it('add reads the password from stdin with --password-stdin (first line, newline stripped)', async () => {
    const result = await run(
      ['users', 'add', 'alice', '--password-stdin'],
      `${password}\nignored second line\n`
    )
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/^Created user alice \([0-9a-f-]{36}\)\n$/)
    expect(await user('alice')).toMatchObject({ is_active: true, is_superuser: false })
    const checked = await core.users.checkCredentials('alice', password)
    expect(checked.username).toBe('alice')
    await expect(core.users.checkCredentials('alice', `${password}\n`)).rejects.toThrow()
  })

  it('add --superuser --inactive sets both flags; --json prints the UserRead; CRLF is stripped', async () => {
    const result = await run(
      ['users', 'add', 'root2', '--superuser', '--inactive', '--password-stdin', '--json'],
      `${password}\r\n`
    )
    expect(result.code).toBe(0)
    const printed: UserRead = JSON.parse(result.stdout)
    expect(printed).toMatchObject({ username: 'root2', is_superuser: true, is_active: false })
    expect(printed).not.toHaveProperty('password_hash')
    await core.users.update(core.superuser(), printed.id, { is_active: true })
    expect((await core.users.checkCredentials('root2', password)).id).toBe(printed.id)
  })

  it('add refuses a taken username (exit 1) and bad input (exit 2), never taking the password from argv', async () => {
    expect(expectOneLineError(await run(['users', 'add', 'alice', '--password-stdin'], 'x\n'), 1)).toBe(
      'flowkeys: This username is unavailable.'
    )
    // No terminal to prompt on, and no --password-stdin.
    expect(expectOneLineError(await run(['users', 'add', 'carol'], ''), 2)).toMatch(/--password-stdin/)
    expect(expectOneLineError(await run(['users', 'add', 'carol', '--password-stdin'], ''), 2)).toMatch(
      /stdin is empty/
    )
    const argv = await run(['users', 'add', 'carol', 'argv-password'])
    expect(expectOneLineError(argv, 2)).not.toContain('argv-password')
    expect(expectOneLineError(await run(['users', 'add', 'carol', '--password', 'x']), 2)).toMatch(
      /unknown option/
    )
    expect(expectOneLineError(await run(['users', 'add']), 2)).toMatch(/missing required argument/)
    expect(await user('carol')).toBeUndefined()
  })

  it('list shows users as a table and as JSON', async () => {
    const table = (await run(['users', 'list'])).stdout
    const [header, ...rows] = table.trimEnd().split('\n')
    expect(header).toMatch(/^USERNAME\s+ID\s+SUPERUSER\s+ACTIVE\s+CREATED\s+LAST LOGIN$/)
    expect(rows.map((r) => r.split(/\s+/)[0]).sort()).toEqual(['alice', 'langflow', 'root2'])
    expect(rows.find((r) => r.startsWith('langflow'))).toMatch(/\syes\s+yes\s/)
    const list: UserRead[] = JSON.parse((await run(['users', 'list', '--json'])).stdout)
    expect(list.map((u) => u.username).sort()).toEqual(['alice', 'langflow', 'root2'])
    expect(list.find((u) => u.username === 'alice')).toMatchObject({ is_active: true, is_superuser: false })
  })

  it('activate, deactivate, promote and demote, by username or id', async () => {
    const id = (await user('alice'))!.id
    expect((await run(['users', 'deactivate', 'alice'])).stdout).toBe('alice is now inactive.\n')
    expect((await user('alice'))?.is_active).toBe(false)
    expect((await run(['users', 'activate', id])).stdout).toBe('alice is now active.\n')
    expect((await user('alice'))?.is_active).toBe(true)
    expect((await run(['users', 'promote', 'alice'])).stdout).toBe('alice is now a superuser.\n')
    expect((await user('alice'))?.is_superuser).toBe(true)
    expect((await run(['users', 'demote', id])).stdout).toBe('alice is now a regular user.\n')
    expect((await user('alice'))?.is_superuser).toBe(false)
    expect(expectOneLineError(await run(['users', 'promote', 'nobody']), 1)).toBe(
      'flowkeys: User not found: nobody'
    )
    expect(expectOneLineError(await run(['users', 'promote']), 2)).toMatch(/missing required argument/)
  })

  it('delete needs --yes without a terminal, then removes the user with its keys and variables', async () => {
    await run(['users', 'add', 'dave', '--password-stdin'], `${password}\n`)
    const key = JSON.parse((await run(['api-key', '--user', 'dave', '--json'])).stdout)
    const dave = (await user('dave'))!
    const now = new Date().toISOString()
    await core.store.insertVariables([
      {
        id: randomUUID(),
        user_id: dave.id,
        name: 'OPENAI_API_KEY',
        type: 'Credential',
        value: core.vault.encrypt('sk-openai-test'),
        default_fields: [],
        source: 'app',
        created_at: now,
        updated_at: now
      }
    ])
    expect(expectOneLineError(await run(['users', 'delete', 'dave']), 2)).toMatch(/--yes/)
    expect(await user('dave')).toBeDefined()
    const deleted = await run(['users', 'delete', 'dave', '--yes'])
    expect(deleted.code).toBe(0)
    expect(deleted.stdout).toBe('Deleted user dave with its 1 API key and 1 variable.\n')
    const data = await core.store.exportAll()
    expect(data.users.some((u) => u.id === dave.id)).toBe(false)
    expect(data.api_keys.some((k) => k.user_id === dave.id)).toBe(false)
    expect(data.variables.some((v) => v.user_id === dave.id)).toBe(false)
    expect(await core.keys.verify(key.api_key)).toBeNull()
  })

  it('refuses to delete the acting superuser: exit 1, one line, no stack trace', async () => {
    const result = await run(['users', 'delete', 'langflow', '--yes'])
    expect(expectOneLineError(result, 1)).toBe("flowkeys: You can't delete your own user account")
    expect(await user('langflow')).toBeDefined()
  })

  it('an unknown command or option is bad usage (exit 2)', async () => {
    expectOneLineError(await run(['users', 'frobnicate', 'alice']), 2)
    expectOneLineError(await run(['users', 'list', '--bogus']), 2)
    expectOneLineError(await run(['nope']), 2)
    // A command group without its subcommand prints its help on stderr.
    const bare = await run(['users'])
    expect(bare.code).toBe(2)
    expect(bare.stderr).toContain('Usage: flowkeys users')
  })

  it('the password appears in no output and no file', () => {
    for (const { stdout, stderr } of outputs) {
      expect(stdout).not.toContain(password)
      expect(stderr).not.toContain(password)
    }
    expectNoFileHolds(dataDir, [password])
  })
})
