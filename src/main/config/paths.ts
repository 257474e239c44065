import { homedir } from 'node:os'
import { join } from 'node:path'

/** The name Electron derives `userData` from; the CLI uses the same folder so both share one store. */
export const APP_NAME = 'FlowKeys'

/**
 * Electron's default `userData` folder for an app named FlowKeys, computed without Electron so that the CLI
 * and the server (plain Node) open the same store as the desktop app.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir()
): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME)
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_NAME)
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_NAME)
}

/** `--data-dir` beats `FLOWKEYS_DATA_DIR`, which beats the platform default. */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return flag
  if (env.FLOWKEYS_DATA_DIR) return env.FLOWKEYS_DATA_DIR
  return defaultDataDir(process.platform, env)
}
