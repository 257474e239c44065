// The app's preferences, kept with electron-store in <userData>/preferences.json: window bounds and UI
// choices only. Secrets never go here (they live in the core's store, encrypted, and in the OS keychain).
import { app } from 'electron'
import ElectronStore from 'electron-store'
import { existsSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { oneLine } from '../base/errors'
import type { Preferences, PreferencesStore } from '../ipc/services'
import { DEFAULT_PORT } from '../server/defaults'
import { CLIPBOARD_CLEAR_CHOICES, CLIPBOARD_CLEAR_SECONDS } from '../../shared/ipc'

export interface WindowBounds {
  width: number
  height: number
  x?: number
  y?: number
}

interface PreferencesFile extends Required<Preferences> {
  window: WindowBounds & { maximized: boolean }
}

const DEFAULTS: PreferencesFile = {
  // The key server's own default (next to Langflow's 7860, so both can run), as `flowkeys serve` uses.
  serverPort: DEFAULT_PORT,
  autostart: true,
  clipboardClearSeconds: CLIPBOARD_CLEAR_SECONDS,
  window: { width: 1180, height: 760, maximized: false }
}

export interface AppPreferences extends PreferencesStore {
  windowBounds(): WindowBounds & { maximized: boolean }
  saveWindowBounds(bounds: WindowBounds, maximized: boolean): void
}

/** What was reset, for telling the user: the file, why it could not be used, and where the old one was kept. */
export interface PreferencesReset {
  file: string
  reason: string
  keptAs: string
}

export interface PreferencesOptions {
  /** The folder of preferences.json; Electron's userData by default. */
  cwd?: string
  /** Told when the file could not be used and was replaced by the defaults. */
  onReset?: (reset: PreferencesReset) => void
}

const FILE_NAME = 'preferences'

/**
 * The preferences, from preferences.json. A file that cannot be used (not JSON, truncated, or a value the schema
 * refuses, such as `"serverPort": "7861"` or a width of 150) is moved aside as preferences.json.invalid and the
 * defaults are written in its place: electron-store would otherwise throw, and the app could not start.
 */
export function openPreferences(options: PreferencesOptions = {}): AppPreferences {
  const cwd = options.cwd ?? app.getPath('userData')
  let store: ElectronStore<PreferencesFile>
  try {
    store = createStore(cwd)
  } catch (error) {
    const file = join(cwd, `${FILE_NAME}.json`)
    if (!existsSync(file)) throw error
    const keptAs = `${file}.invalid`
    renameSync(file, keptAs)
    store = createStore(cwd)
    options.onReset?.({ file, reason: oneLine(error), keptAs })
  }
  return preferencesOver(store)
}

function createStore(cwd: string): ElectronStore<PreferencesFile> {
  return new ElectronStore<PreferencesFile>({
    name: FILE_NAME,
    cwd,
    defaults: DEFAULTS,
    // A value of the wrong type or range makes the constructor throw; openPreferences then resets the file.
    schema: {
      serverPort: { type: 'integer', minimum: 1, maximum: 65535 },
      autostart: { type: 'boolean' },
      clipboardClearSeconds: { type: 'integer', enum: [...CLIPBOARD_CLEAR_CHOICES] },
      window: {
        type: 'object',
        properties: {
          width: { type: 'integer', minimum: 200 },
          height: { type: 'integer', minimum: 200 },
          x: { type: 'integer' },
          y: { type: 'integer' },
          maximized: { type: 'boolean' }
        },
        required: ['width', 'height']
      }
    },
    configFileMode: 0o600
  })
}

function preferencesOver(store: ElectronStore<PreferencesFile>): AppPreferences {
  const get = (): Required<Preferences> => ({
    serverPort: store.get('serverPort'),
    autostart: store.get('autostart'),
    clipboardClearSeconds: store.get('clipboardClearSeconds')
  })
  return {
    get,
    update(patch) {
      if (patch.serverPort !== undefined) store.set('serverPort', patch.serverPort)
      if (patch.autostart !== undefined) store.set('autostart', patch.autostart)
      if (patch.clipboardClearSeconds !== undefined)
        store.set('clipboardClearSeconds', patch.clipboardClearSeconds)
      return get()
    },
    windowBounds: () => ({ ...DEFAULTS.window, ...store.get('window') }),
    saveWindowBounds: (bounds, maximized) => store.set('window', { ...bounds, maximized })
  }
}
