import { writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SETTINGS_FILE, loadSettings } from '../../src/main/config/settings'
import { tempDir } from '../helpers/tmp'
import { join } from 'node:path'

describe('settings', () => {
  it("has Langflow's defaults", () => {
    expect(loadSettings({})).toMatchObject({
      autoLogin: true,
      skipAuthAutoLogin: false,
      superuser: 'langflow',
      disableTrackApiKeyUsage: false,
      fallbackToEnvVar: true,
      accessTokenExpireSeconds: 3600,
      refreshTokenExpireSeconds: 604800
    })
  })

  it('reads LANGFLOW_ variables with lenient booleans', () => {
    const s = loadSettings({
      LANGFLOW_AUTO_LOGIN: 'False',
      LANGFLOW_SKIP_AUTH_AUTO_LOGIN: '1',
      LANGFLOW_ACCESS_TOKEN_EXPIRE_SECONDS: '60'
    })
    expect(s).toMatchObject({ autoLogin: false, skipAuthAutoLogin: true, accessTokenExpireSeconds: 60 })
    expect(() => loadSettings({ LANGFLOW_AUTO_LOGIN: 'maybe' })).toThrow(
      'Setting LANGFLOW_AUTO_LOGIN has an invalid value'
    )
  })

  it('reads the settings file, and the environment wins over it', () => {
    const dir = tempDir()
    writeFileSync(join(dir, SETTINGS_FILE), JSON.stringify({ AUTO_LOGIN: false, SUPERUSER: 'admin' }))
    expect(loadSettings({}, dir)).toMatchObject({ autoLogin: false, superuser: 'admin' })
    expect(loadSettings({ LANGFLOW_SUPERUSER: 'boss' }, dir).superuser).toBe('boss')
  })

  it('refuses secrets in the settings file and a broken file, in one line', () => {
    const dir = tempDir()
    writeFileSync(join(dir, SETTINGS_FILE), JSON.stringify({ SUPERUSER_PASSWORD: 'hunter2' }))
    expect(() => loadSettings({}, dir)).toThrow(/must not hold SUPERUSER_PASSWORD/)
    try {
      loadSettings({}, dir)
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2')
    }
    writeFileSync(join(dir, SETTINGS_FILE), '{oops')
    expect(() => loadSettings({}, dir)).toThrow(/Cannot read the settings file/)
  })
})
