import { describe, expect, it, vi } from 'vitest'
import { openCore } from '../../src/main/core/open'
import { testCore } from '../helpers/core'
import { testKeychain } from '../helpers/keychain'
import { tempDir } from '../helpers/tmp'

describe('the core', () => {
  it('imports environment variables for the superuser (at start and at its login), never for another user; the app wins', async () => {
    const core = await testCore({
      OPENAI_API_KEY: 'sk-openai-from-env',
      MY_TOOL_TOKEN: 'tool',
      LANGFLOW_VARIABLES_TO_GET_FROM_ENVIRONMENT: 'MY_TOOL_TOKEN'
    })
    const admin = core.superuser()
    await core.importEnvironment()
    expect(await core.variables.get(admin.id, 'OPENAI_API_KEY')).toMatchObject({
      type: 'Credential',
      value: 'sk-openai-from-env'
    })
    expect((await core.variables.get(admin.id, 'MY_TOOL_TOKEN')).value).toBe('tool')
    const listed = (await core.variables.list(admin.id)).find((v) => v.name === 'OPENAI_API_KEY')
    expect(listed?.value).toBeNull()
    expect(listed?.default_fields).toContain('api_key')

    // A value set in the app is not overwritten by the environment at the next import.
    const id = listed?.id as string
    await core.variables.update(admin.id, id, { value: 'sk-set-in-app' })
    await core.importEnvironment()
    expect((await core.variables.get(admin.id, 'OPENAI_API_KEY')).value).toBe('sk-set-in-app')

    // The environment is the machine owner's: another user's login copies none of it (SECURITY.md).
    const user = await core.users.create(admin, { username: 'dev', password: 'dev-password' })
    await core.auth.login('dev', 'dev-password')
    expect(await core.variables.list(user.id)).toEqual([])
  })

  it('imports nothing with LANGFLOW_STORE_ENVIRONMENT_VARIABLES=false', async () => {
    const core = await testCore({ OPENAI_API_KEY: 'sk-x', LANGFLOW_STORE_ENVIRONMENT_VARIABLES: 'false' })
    await core.importEnvironment()
    expect(await core.variables.list(core.superuser().id)).toEqual([])
  })

  // A CLI command must not poll the OS keychain once a second while it waits at a prompt; a server and the app do.
  it('follows a rotated vault key only when asked (serve, the app), never in a CLI command', async () => {
    const open = (followVaultKey: boolean) =>
      openCore({
        dataDir: tempDir('flowkeys-follow-'),
        env: {},
        keychain: testKeychain('follow'),
        followVaultKey
      })
    const [command, server] = await Promise.all([open(false), open(true)])
    const checks = [vi.spyOn(command.vault, 'refresh'), vi.spyOn(server.vault, 'refresh')]
    await new Promise((done) => setTimeout(done, 2_300))
    await Promise.all([command.close(), server.close()])
    expect(checks[0]).not.toHaveBeenCalled()
    expect(checks[1]!.mock.calls.length).toBeGreaterThanOrEqual(2)
  })
})
