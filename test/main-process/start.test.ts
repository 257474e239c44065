// The built main process starting, under a recording fake of Electron (not the real binary; see ./driver.ts):
// the window it makes and what that window loads from out/, the IPC contract on ipcMain, the key server, a
// foreign sender refused, a second instance, and a quit by closing the window.
import { existsSync, readFileSync } from 'node:fs'
import { Socket } from 'node:net'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { UNTRUSTED_SENDER } from '../../src/main/shell/ipc-register'
import { CHANNELS } from '../../src/shared/ipc'
import { appHome, launch, resultOf, serverUrl, untilReady, value, within } from './scenario'

const out = resolve(import.meta.dirname, '../../out')

describe('the built main process starting (Node with a fake electron module, not the Electron binary)', () => {
  it('shows one hardened window whose preload and page come from out/, and registers every IPC channel', async () => {
    const home = await appHome()
    const app = await launch(home)
    await untilReady(app)
    const snapshot = await app.snapshot()

    expect(snapshot.dialogs).toEqual([])
    expect(snapshot.windows).toHaveLength(1)
    const [window] = snapshot.windows
    expect(window!.options).toMatchObject({
      show: false,
      webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false }
    })
    const preload = (window!.options.webPreferences as { preload: string }).preload
    expect(preload).toBe(join(out, 'preload', 'index.cjs'))
    expect(existsSync(preload)).toBe(true)
    expect(window!.shownBeforeReady).toBe(false)

    // The entry page over app://, and every script and stylesheet it names, answered 200 from out/renderer.
    expect(window!.url).toBe('app://flowkeys/index.html')
    expect(window!.loads[0]).toEqual({ url: 'app://flowkeys/index.html', status: 200 })
    const named = window!.loads.slice(1)
    expect(named.some((load) => load.url.endsWith('.js'))).toBe(true)
    for (const load of named) {
      expect(load.status, load.url).toBe(200)
      expect(existsSync(join(out, 'renderer', new URL(load.url).pathname))).toBe(true)
    }

    // app:// is privileged before ready and served after; every permission is refused.
    expect(snapshot.privilegedSchemes).toEqual([
      expect.objectContaining({
        scheme: 'app',
        beforeReady: true,
        privileges: expect.objectContaining({ standard: true, secure: true })
      })
    ])
    expect(snapshot.handledSchemes).toEqual(['app'])
    expect(snapshot.permissions).toEqual({ request: false, check: false })

    // Every channel of src/shared/ipc.ts, and nothing else.
    expect([...snapshot.channels].sort()).toEqual([...CHANNELS].sort())
    expect(await value(app, 'app:startup')).toEqual({ phase: 'ready', message: null })

    // The key server is up on the configured port.
    const url = await serverUrl(app)
    expect(url).toBe(`http://127.0.0.1:${home.port}`)
    expect((await fetch(`${url}/health`)).status).toBe(200)
  })

  it('refuses a message from a frame that is not the app', async () => {
    const app = await launch(await appHome())
    await untilReady(app)
    const outcome = await app.invoke('keys:list', undefined, { frameUrl: 'https://evil.example/' })
    expect(resultOf(outcome)).toEqual(UNTRUSTED_SENDER)
    expect(app.output()).toContain('refused IPC keys:list from an untrusted sender')
  })

  it('brings its window back when started a second time, and the second process ends', async () => {
    const app = await launch(await appHome())
    await untilReady(app)
    await app.minimizeWindow()

    const second = await within(app, app.secondInstance(), 15_000, 'the second instance ends')
    expect(second.code).toBe(0)
    const [window] = (await app.snapshot()).windows
    expect(window).toMatchObject({ minimized: false, focused: true, visible: true })
    expect(app.isRunning()).toBe(true)
    expect(resultOf(await app.invoke('keys:list'))?.ok).toBe(true)
  })

  it('quits when its window is closed, saving the window bounds', async () => {
    const home = await appHome()
    const app = await launch(home)
    await untilReady(app)
    const url = await serverUrl(app)

    await app.closeWindow()
    const exit = await within(app, app.exited, 10_000, 'the app exits after its window closed')
    expect(exit.code).toBe(0)
    const saved = JSON.parse(readFileSync(home.preferencesFile, 'utf8')) as { window: unknown }
    expect(saved.window).toEqual({ width: 1180, height: 760, x: 0, y: 0, maximized: false })
    // The key server is gone with it.
    const refused = await new Promise<boolean>((done) => {
      const socket = new Socket()
      socket.once('error', () => done(true))
      socket.connect(Number(new URL(url).port), '127.0.0.1', () => {
        socket.destroy()
        done(false)
      })
    })
    expect(refused).toBe(true)
  })
})
