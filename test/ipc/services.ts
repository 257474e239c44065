// The services the shell gives the handler table, for tests: the real key server controller (on a free
// loopback port) and the in-memory clipboard, the one platform service tests substitute.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Core } from '../../src/main/core/open'
import { memoryClipboard } from '../helpers/clipboard'
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
    appVersion: '0.1.0',
    log: (message) => logged.push(message),
    preferencesData,
    openedExternally,
    logged
  }
}
