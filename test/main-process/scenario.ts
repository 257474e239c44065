// The steps the main-process scenarios share, written against the driver interface (./driver.ts) only: a fresh
// home for the app (data folder, config folder, preferences with a free port), launching it, and waiting for it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { freePort } from '../ipc/services'
import { tempDir } from '../helpers/tmp'
import type { Channel, IpcResult } from '../../src/shared/ipc'
import type { Exit, InvokeOutcome, LaunchOptions, RunningApp } from './driver'
import { launchWithFakeElectron } from './fake-electron/driver'

/** The driver the scenarios run on: the fake today (see ./driver.ts for a real-Electron one). */
const launchApp = launchWithFakeElectron

export interface AppHome {
  dataDir: string
  configDir: string
  /** Electron's userData: where preferences.json is. */
  userData: string
  preferencesFile: string
  /** The core's store. */
  storeFile: string
  /** The key server's port in the preferences written by appHome. */
  port: number
}

/**
 * A data folder and a config folder under one temp folder (removed after the suite), and preferences.json: a
 * free port and autostart, with `preferences` over them; a string is written as it is.
 */
export async function appHome(preferences?: Record<string, unknown> | string): Promise<AppHome> {
  const root = tempDir('flowkeys-main-process-')
  const dataDir = join(root, 'data')
  const configDir = join(root, 'config')
  const userData = join(configDir, 'FlowKeys')
  mkdirSync(userData, { recursive: true })
  const port = await freePort()
  const preferencesFile = join(userData, 'preferences.json')
  const content =
    typeof preferences === 'string' ? preferences : { serverPort: port, autostart: true, ...preferences }
  writeFileSync(preferencesFile, typeof content === 'string' ? content : JSON.stringify(content))
  return { dataDir, configDir, userData, preferencesFile, storeFile: join(dataDir, 'flowkeys.json'), port }
}

const launched: RunningApp[] = []
afterEach(() => {
  for (const app of launched.splice(0)) app.kill()
})

export async function launch(
  home: AppHome,
  options: Omit<LaunchOptions, 'dataDir' | 'configDir'> = {}
): Promise<RunningApp> {
  const app = await launchApp({ dataDir: home.dataDir, configDir: home.configDir, ...options })
  launched.push(app)
  return app
}

/** Resolves with `promise`, or fails after `ms` saying what did not happen, with what the app printed. */
export async function within<T>(app: RunningApp, promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: not within ${ms} ms. The app printed:\n${app.output()}`)),
      ms
    )
  })
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}

/** Polls `probe` until it returns a value other than undefined/false, for at most `ms`. */
export async function waitFor<T>(
  app: RunningApp,
  what: string,
  probe: () => Promise<T | undefined | false>,
  ms = 15_000
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline || !app.isRunning()) {
      throw new Error(`${what}: not within ${ms} ms. The app printed:\n${app.output()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The answer of an IPC call that must succeed. */
export async function value<T = unknown>(app: RunningApp, channel: Channel, payload?: unknown): Promise<T> {
  const outcome = await app.invoke(channel, payload)
  const result = 'resolved' in outcome ? (outcome.resolved as IpcResult<T>) : null
  if (!result?.ok) throw new Error(`${channel} failed: ${JSON.stringify(outcome)}`)
  return result.value
}

/** The IpcResult of a call, or null when the invoke itself was rejected (no handler). */
export function resultOf(outcome: InvokeOutcome): IpcResult<unknown> | null {
  return 'resolved' in outcome ? (outcome.resolved as IpcResult<unknown>) : null
}

/** Until the window has painted and is visible and the core answers (the renderer's first calls work). */
export async function untilReady(app: RunningApp): Promise<void> {
  await waitFor(app, 'the window is shown and the core answers', async () => {
    const { windows } = await app.snapshot()
    if (!windows.some((window) => window.visible && window.readyToShow)) return false
    return resultOf(await app.invoke('app:whoami'))?.ok
  })
}

/** The key server's base URL, from the app. */
export async function serverUrl(app: RunningApp): Promise<string> {
  const status = await value<{ url: string | null }>(app, 'server:status')
  if (!status.url) throw new Error('the key server is not running')
  return status.url
}

/** Creates an API key through the app, and uses it once on the key server (a usage count waiting to be saved). */
export async function useNewKey(app: RunningApp): Promise<string> {
  const created = await value<{ key: { id: string }; api_key: string }>(app, 'keys:create', { name: 'usage' })
  const answer = await fetch(`${await serverUrl(app)}/api/v1/users/whoami`, {
    headers: { 'x-api-key': created.api_key }
  })
  if (answer.status !== 200) throw new Error(`whoami with the new key answered ${answer.status}`)
  return created.key.id
}

/** A key's use count as saved in the store file. */
export function savedUses(home: AppHome, keyId: string): number | undefined {
  const store = JSON.parse(readFileSync(home.storeFile, 'utf8')) as {
    api_keys: { id: string; total_uses: number }[]
  }
  return store.api_keys.find((key) => key.id === keyId)?.total_uses
}

export type { Exit, RunningApp }
