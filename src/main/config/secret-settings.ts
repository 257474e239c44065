/**
 * Settings whose values are secrets of FlowKeys or Langflow themselves. They never become variables, never fill a
 * flow from the environment and never reach a child of `flowkeys run`: what a child needs comes from the vault.
 * Later settings that hold a secret are added here, and every face reads this list.
 */
export const SECRET_SETTINGS: readonly string[] = Object.freeze([
  'FLOWKEYS_SECRET_KEY',
  'FLOWKEYS_SECRET_KEY_FILE',
  'LANGFLOW_SECRET_KEY',
  'LANGFLOW_SUPERUSER_PASSWORD',
  'FLOWKEYS_DATABASE_URL',
  'FLOWKEYS_DATABASE_URL_FILE',
  'LANGFLOW_DATABASE_URL',
  'FLOWKEYS_UPSTREAM_API_KEY',
  'FLOWKEYS_UPSTREAM_API_KEY_FILE'
])

const SECRET_SET = new Set(SECRET_SETTINGS)

export function isSecretSetting(name: string): boolean {
  return SECRET_SET.has(name.toUpperCase())
}

/** A copy of `env` without the secret settings (for a child process's environment). */
export function withoutSecretSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(env)) if (!isSecretSetting(name)) out[name] = value
  return out
}
