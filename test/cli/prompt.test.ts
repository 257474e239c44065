import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/main/core/open'
import { tempDir } from '../helpers/tmp'
import { expectOneLineError, flowkeys } from './helpers'
import { FakeTerminal, session } from './terminal'

describe('prompts on a terminal (the CLI run in-process)', () => {
  const dataDir = join(tempDir('flowkeys-cli-prompt-'), 'data')
  let core: Core

  beforeAll(async () => {
    core = await openCore({ dataDir, env: {} })
  })
  afterAll(() => core?.close())

  it('users add asks for the password twice without echoing it', async () => {
    // Typed with a typo corrected by backspace, and an arrow key that is ignored.
    const s = session(dataDir, ['secrex\u007ft-one\r', ['secret', '\x1b[A', '-one\r']])
    expect(await s.run(['users', 'add', 'erin'])).toBe(0)
    const prompts = s.shown.filter((t) => t.includes('assword'))
    expect(prompts).toEqual(['Password: ', 'Repeat the password: '])
    expect(s.shown.join('\n')).not.toContain('secret')
    expect((s.io.stdin as FakeTerminal).raw).toBe(false)
    expect((await core.users.checkCredentials('erin', 'secret-one')).username).toBe('erin')
  })

  it('the hidden prompt is in raw mode, so nothing is echoed', async () => {
    const s = session(dataDir, ['p1\r', 'p1\r'])
    expect(await s.run(['users', 'add', 'frank'])).toBe(0)
    expect((s.io.stdin as FakeTerminal).rawDuringPrompts).toEqual([true, true])
  })

  it('passwords that differ create nothing (exit 1)', async () => {
    const s = session(dataDir, ['one\r', 'two\r'])
    expect(await s.run(['users', 'add', 'gina'])).toBe(1)
    expect(s.shown).toContain('flowkeys: The passwords do not match; no user was created.')
    expect(s.shown.join('\n')).not.toMatch(/\bone\b|\btwo\b/)
    expect(await core.users.findByUsername('gina')).toBeUndefined()
  })

  it('Ctrl-C at the prompt cancels (exit 130, as the shell reports an interrupted command)', async () => {
    const s = session(dataDir, ['abc\u0003'])
    expect(await s.run(['users', 'add', 'hank'])).toBe(130)
    expect(s.shown).toContain('flowkeys: Cancelled')
    expect((s.io.stdin as FakeTerminal).raw).toBe(false)
    expect(await core.users.findByUsername('hank')).toBeUndefined()
  })

  it('users delete asks for confirmation; anything but yes keeps the user', async () => {
    const no = session(dataDir, ['n\n'])
    expect(await no.run(['users', 'delete', 'frank'])).toBe(1)
    expect(
      no.shown.some((t) => /^Delete user frank with its 0 API keys and 0 variables\? \[y\/N\] $/.test(t))
    ).toBe(true)
    expect(await core.users.findByUsername('frank')).toBeDefined()
    const yes = session(dataDir, ['yes\n'])
    expect(await yes.run(['users', 'delete', 'frank'])).toBe(0)
    expect(await core.users.findByUsername('frank')).toBeUndefined()
  })

  it('keys revoke asks as the app does; without a terminal it needs --yes', async () => {
    const { key, api_key } = await core.keys.create(core.superuser(), { name: 'deploy' })
    const no = session(dataDir, ['n\n'])
    expect(await no.run(['keys', 'revoke', 'deploy'])).toBe(1)
    expect(
      no.shown.some((t) =>
        /^Revoke API key "deploy"\? Clients using it are refused at once\. \[y\/N\] $/.test(t)
      )
    ).toBe(true)
    expect(await core.keys.verify(api_key)).not.toBeNull()
    const script = await flowkeys(['keys', 'revoke', key.id, '--data-dir', dataDir])
    expect(expectOneLineError(script, 2)).toBe('flowkeys: revoking needs confirmation: pass --yes')
    expect(await core.keys.verify(api_key)).not.toBeNull()
    const yes = session(dataDir, ['y\n'])
    expect(await yes.run(['keys', 'revoke', 'deploy'])).toBe(0)
    expect(await core.keys.verify(api_key)).toBeNull()
  })
})
