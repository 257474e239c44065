// The services the shell gives the handler table, for tests: the real key server controller (on a free
// loopback port); the platform services are substitutes: the in-memory clipboard, and a save "dialog" that
// answers a fresh temp path (or what a test queued, null for a cancel).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Core } from '../../src/main/core/open'
import { memoryClipboard } from '../helpers/clipboard'
import { tempDir } from '../helpers/tmp'
import { keyServerController } from '../../src/main/ipc/key-server'
import type { Preferences, Services } from '../../src/main/ipc/services'

export async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done))
  const { port } = probe.address() as AddressInfo
  await new Promise((done) => probe.close(done))
  return port
}

export interface TestServices extends Services {
  clipboard: ReturnType<typeof memoryClipboard>
  preferencesData: Preferences
  openedExternally: string[]
  logged: string[]
  /** What the save dialog answers next, first in first out (null: cancelled); when empty, a new temp path. */
  backupPaths: (string | null)[]
  /** How many times the handlers asked where to save a backup. */
  saveDialogs: { count: number }
}

/** A save dialog that answers `queued` first, then a new path in a temp folder each time. */
export function fakeSaveDialog(
  queued: (string | null)[] = []
): Pick<TestServices, 'chooseBackupPath' | 'backupPaths' | 'saveDialogs'> {
  let folder: string | undefined
  const saveDialogs = { count: 0 }
  return {
    backupPaths: queued,
    saveDialogs,
    chooseBackupPath: async () => {
      saveDialogs.count++
      if (queued.length > 0) return queued.shift() ?? null
      folder ??= tempDir('flowkeys-backups-')
      return join(folder, `flowkeys-${saveDialogs.count}.fkbackup`)
    }
  }
}

export async function testServices(core: Core): Promise<TestServices> {
  const preferencesData: Preferences = { serverPort: await freePort(), autostart: true }
  const openedExternally: string[] = []
  const logged: string[] = []
  return {
    server: keyServerController(core, { port: () => preferencesData.serverPort, version: '0.1.0' }),
    clipboard: memoryClipboard(),
    preferences: {
      get: () => ({ ...preferencesData }),
      update: (patch) => ({ ...Object.assign(preferencesData, patch) })
    },
    openInBrowser: async (url) => {
      openedExternally.push(url)
    },
    ...fakeSaveDialog(),
    appVersion: '0.1.0',
    log: (message) => logged.push(message),
    preferencesData,
    openedExternally,
    logged
  }
}
