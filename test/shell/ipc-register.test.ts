import { describe, expect, it, vi } from 'vitest'
import type { HandlerTable } from '../../src/main/ipc/handlers'
import { registerIpcHandlers, senderIsTrusted, UNTRUSTED_SENDER } from '../../src/main/shell/ipc-register'
import { CHANNELS } from '../../src/shared/ipc'

const APP = 'app://flowkeys'
const ENTRY = 'app://flowkeys/index.html'

type Listener = (event: unknown, payload: unknown) => unknown

/** ipcMain's two methods that registration uses, recording what is registered. */
function fakeIpcMain() {
  const handlers = new Map<string, Listener>()
  return {
    handlers,
    handle: (channel: string, listener: Listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      handlers.set(channel, listener)
    },
    removeHandler: (channel: string) => handlers.delete(channel)
  }
}

function recordingTable() {
  const calls: [string, unknown][] = []
  const table = Object.fromEntries(
    CHANNELS.map((channel) => [
      channel,
      async (payload: unknown) => {
        calls.push([channel, payload])
        return { ok: true, value: channel }
      }
    ])
  ) as unknown as HandlerTable
  return { table, calls }
}

function event(url: string | null, options: { subframe?: boolean } = {}) {
  const top = { url: url ?? '', parent: null }
  return { senderFrame: url === null ? null : options.subframe ? { url, parent: top } : top }
}

describe('registerIpcHandlers', () => {
  it('registers one handler per channel, and removes them all', () => {
    const ipcMain = fakeIpcMain()
    const unregister = registerIpcHandlers(ipcMain as never, recordingTable().table, { appOrigin: APP })
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...CHANNELS].sort())
    unregister()
    expect(ipcMain.handlers.size).toBe(0)
  })

  it('passes a message from the app window to its handler', async () => {
    const ipcMain = fakeIpcMain()
    const { table, calls } = recordingTable()
    registerIpcHandlers(ipcMain as never, table, { appOrigin: APP })
    const result = await ipcMain.handlers.get('keys:create')!(event(`${ENTRY}#/keys`), { name: 'ci' })
    expect(result).toEqual({ ok: true, value: 'keys:create' })
    expect(calls).toEqual([['keys:create', { name: 'ci' }]])
  })

  it('refuses a message from any other sender before its handler runs', async () => {
    const ipcMain = fakeIpcMain()
    const { table, calls } = recordingTable()
    const warn = vi.fn()
    registerIpcHandlers(ipcMain as never, table, { appOrigin: APP, warn })
    const listener = ipcMain.handlers.get('variables:list')!
    for (const sender of [
      event('https://evil.example/'),
      event('file:///etc/passwd'),
      event('file:///opt/FlowKeys/resources/app.asar/out/renderer/index.html'),
      event('app://flowkeys/assets/index.js'),
      event('app://evil/index.html'),
      event('about:blank'),
      event('data:text/html,hi'),
      event(null),
      event(ENTRY, { subframe: true })
    ]) {
      expect(await listener(sender, undefined)).toEqual(UNTRUSTED_SENDER)
    }
    expect(calls).toEqual([])
    expect(warn).toHaveBeenCalledTimes(9)
    expect(warn.mock.calls[0]?.[0]).toContain('variables:list')
  })
})

describe('senderIsTrusted', () => {
  it('accepts the dev server origin in development', () => {
    expect(senderIsTrusted(event('http://localhost:5173/'), 'http://localhost:5173')).toBe(true)
    expect(senderIsTrusted(event('http://localhost:5174/'), 'http://localhost:5173')).toBe(false)
  })
})
