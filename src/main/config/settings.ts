import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Corrupt, Invalid, Unavailable, oneLine } from '../core/errors'

/** Langflow's auth and variable settings (environment prefix LANGFLOW_), as FlowKeys honours them. */
export interface Settings {
  autoLogin: boolean
  skipAuthAutoLogin: boolean
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

/** Secrets belong in the environment or the keychain, never in a plain settings file. */
const NOT_IN_FILE = new Set(['SUPERUSER_PASSWORD', 'SECRET_KEY'])

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
        if (NOT_IN_FILE.has(name)) {
          throw new Invalid(
            `The settings file ${file} must not hold ${name}: set LANGFLOW_${name} in the environment.`
          )
        }
        const field = NAMES[name]
        if (field) Object.assign(settings, { [field]: coerce(name, field, value) })
      }
    }
  }
  for (const [name, field] of Object.entries(NAMES)) {
    const value = env[`LANGFLOW_${name}`]
    if (value !== undefined && value !== '')
      Object.assign(settings, { [field]: coerce(`LANGFLOW_${name}`, field, value) })
  }
  return settings
}
