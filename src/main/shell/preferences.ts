// The app's preferences, kept with electron-store in <userData>/preferences.json: window bounds and UI
// choices only. Secrets never go here (they live in the core's store, encrypted, and in the OS keychain).
import ElectronStore from 'electron-store'
import type { Preferences, PreferencesStore } from '../ipc/services'
import { DEFAULT_PORT } from '../server/defaults'

export interface WindowBounds {
  width: number
  height: number
  x?: number
  y?: number
}

interface PreferencesFile extends Preferences {
  window: WindowBounds & { maximized: boolean }
}

const DEFAULTS: PreferencesFile = {
  // The key server's own default (next to Langflow's 7860, so both can run), as `flowkeys serve` uses.
  serverPort: DEFAULT_PORT,
  autostart: true,
  window: { width: 1180, height: 760, maximized: false }
}

export interface AppPreferences extends PreferencesStore {
  windowBounds(): WindowBounds & { maximized: boolean }
  saveWindowBounds(bounds: WindowBounds, maximized: boolean): void
}

export function openPreferences(): AppPreferences {
  const store = new ElectronStore<PreferencesFile>({
    name: 'preferences',
    defaults: DEFAULTS,
    // A hand-edited file with wrong types is reset to the defaults rather than crashing the app.
    schema: {
      serverPort: { type: 'integer', minimum: 1, maximum: 65535 },
      autostart: { type: 'boolean' },
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

  return {
    get: () => ({ serverPort: store.get('serverPort'), autostart: store.get('autostart') }),
    update(patch) {
      if (patch.serverPort !== undefined) store.set('serverPort', patch.serverPort)
      if (patch.autostart !== undefined) store.set('autostart', patch.autostart)
      return { serverPort: store.get('serverPort'), autostart: store.get('autostart') }
    },
    windowBounds: () => ({ ...DEFAULTS.window, ...store.get('window') }),
    saveWindowBounds: (bounds, maximized) => store.set('window', { ...bounds, maximized })
  }
}
