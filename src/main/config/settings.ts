import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Corrupt, Invalid, Unavailable, oneLine } from '../base/errors'
import { isSecretSetting } from './secret-settings'

/** Langflow's auth and variable settings (environment prefix LANGFLOW_), as FlowKeys honours them. */
export interface Settings {
  autoLogin: boolean
  skipAuthAutoLogin: boolean
  /**
   * FLOWKEYS_HTTP_AUTO_LOGIN: whether the key server's GET /api/v1/auto_login hands out tokens (with AUTO_LOGIN).
   * Off unless the operator turns it on: the app never needs it, and such a token proves nothing (SECURITY.md).
   */
  httpAutoLogin: boolean
  /** Langflow's ENABLE_SIGNUP: anonymous sign-up, only ever with AUTO_LOGIN off. */
  enableSignup: boolean
  superuser: string
  superuserPassword: string
  newUserIsActive: boolean
  disableTrackApiKeyUsage: boolean
  fallbackToEnvVar: boolean
  storeEnvironmentVariables: boolean
  /** Raw LANGFLOW_VARIABLES_TO_GET_FROM_ENVIRONMENT (comma or JSON list), added to the built-in list. */
  variablesToGetFromEnvironment: string | undefined
  accessTokenExpireSeconds: number
  refreshTokenExpireSeconds: number
}

export const SETTINGS_FILE = 'settings.json'

const DEFAULTS: Settings = {
  autoLogin: true,
  skipAuthAutoLogin: false,
  httpAutoLogin: false,
  enableSignup: true,
  superuser: 'langflow',
  superuserPassword: 'langflow',
  newUserIsActive: false,
  disableTrackApiKeyUsage: false,
  fallbackToEnvVar: true,
  storeEnvironmentVariables: true,
  variablesToGetFromEnvironment: undefined,
  accessTokenExpireSeconds: 3600,
  refreshTokenExpireSeconds: 604800
}

/** Setting name (without the LANGFLOW_ prefix) → field. */
const NAMES: Record<string, keyof Settings> = {
  AUTO_LOGIN: 'autoLogin',
  SKIP_AUTH_AUTO_LOGIN: 'skipAuthAutoLogin',
  ENABLE_SIGNUP: 'enableSignup',
  SUPERUSER: 'superuser',
  SUPERUSER_PASSWORD: 'superuserPassword',
  NEW_USER_IS_ACTIVE: 'newUserIsActive',
  DISABLE_TRACK_APIKEY_USAGE: 'disableTrackApiKeyUsage',
  FALLBACK_TO_ENV_VAR: 'fallbackToEnvVar',
  STORE_ENVIRONMENT_VARIABLES: 'storeEnvironmentVariables',
  VARIABLES_TO_GET_FROM_ENVIRONMENT: 'variablesToGetFromEnvironment',
  ACCESS_TOKEN_EXPIRE_SECONDS: 'accessTokenExpireSeconds',
  REFRESH_TOKEN_EXPIRE_SECONDS: 'refreshTokenExpireSeconds'
}

/** FlowKeys' own settings, read under their full names from the environment and the settings file. */
const FLOWKEYS_NAMES: Record<string, keyof Settings> = {
  FLOWKEYS_HTTP_AUTO_LOGIN: 'httpAutoLogin'
}

function coerce(name: string, field: keyof Settings, raw: unknown): Settings[keyof Settings] {
  const kind = typeof DEFAULTS[field]
  const text = typeof raw === 'string' ? raw.trim() : raw
  if (kind === 'boolean') {
    if (typeof text === 'boolean') return text
    // pydantic's lenient booleans, as Langflow reads them
    if (typeof text === 'string' && /^(true|1|yes|on|t|y)$/i.test(text)) return true
    if (typeof text === 'string' && /^(false|0|no|off|f|n)$/i.test(text)) return false
  } else if (kind === 'number') {
    const n = typeof text === 'number' ? text : Number(text)
    if (Number.isInteger(n) && n > 0) return n
  } else if (typeof text === 'string') {
    return text
  } else if (field === 'variablesToGetFromEnvironment' && Array.isArray(text)) {
    return JSON.stringify(text)
  }
  throw new Invalid(
    `Setting ${name} has an invalid value (expected ${kind === 'undefined' ? 'a list' : `a ${kind}`}).`
  )
}

/**
 * Settings from `<dataDir>/settings.json` (Langflow names without the prefix, e.g. {"AUTO_LOGIN": false}),
 * overridden by LANGFLOW_* environment variables, as Langflow lets the environment win.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env, dataDir?: string): Settings {
  const settings: Settings = { ...DEFAULTS }
  if (dataDir) {
    const file = join(dataDir, SETTINGS_FILE)
    let parsed: unknown
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'))
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (err instanceof SyntaxError)
        throw new Corrupt(`Cannot read the settings file ${file}: not valid JSON (${oneLine(err)})`)
      if (code !== 'ENOENT') throw new Unavailable(`Cannot read the settings file ${file}: ${oneLine(err)}`)
    }
    if (parsed !== undefined) {
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Corrupt(`The settings file ${file} must hold a JSON object.`)
      }
      for (const [rawName, value] of Object.entries(parsed)) {
        const name = rawName.replace(/^LANGFLOW_/, '')
        // Secrets belong in the environment or the keychain, never in a plain settings file.
        const secret = [rawName, `LANGFLOW_${name}`].find(isSecretSetting)
        if (secret) {
          throw new Invalid(
            `The settings file ${file} must not hold ${name}: set ${secret} in the environment.`
          )
        }
        const field = FLOWKEYS_NAMES[rawName] ?? NAMES[name]
        if (field) Object.assign(settings, { [field]: coerce(name, field, value) })
      }
    }
  }
  const fromEnv: [string, keyof Settings][] = [
    ...Object.entries(NAMES).map(([name, field]): [string, keyof Settings] => [`LANGFLOW_${name}`, field]),
    ...Object.entries(FLOWKEYS_NAMES)
  ]
  for (const [name, field] of fromEnv) {
    const value = env[name]
    if (value !== undefined && value !== '') Object.assign(settings, { [field]: coerce(name, field, value) })
  }
  return settings
}
