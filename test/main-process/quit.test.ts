// Quitting the built main process, under a recording fake of Electron (not the real binary; see ./driver.ts):
// the quit waits for the key server and the usage counts, but one idle connection, a second quit or a stuck
// store cannot keep the process alive or skip the flush; on Windows the end of the session flushes too.
import { Socket } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FileLock } from '../../src/main/store/lock'
import {
  appHome,
  launch,
  resultOf,
  savedUses,
  serverUrl,
  untilReady,
  useNewKey,
  within,
  type RunningApp
} from './scenario'

const sockets: Socket[] = []
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy()
})

/** A client that connects to the key server and never sends a byte (a browser's preconnect does this). */
async function idleConnection(app: RunningApp): Promise<Socket> {
  const url = new URL(await serverUrl(app))
  const socket = new Socket()
  sockets.push(socket)
  socket.on('error', () => undefined)
  await new Promise<void>((done) => socket.connect(Number(url.port), url.hostname, done))
  // Connected here does not mean accepted there yet; a connection still in the backlog dies with the listener.
  await new Promise((resolve) => setTimeout(resolve, 300))
  return socket
}

describe('quitting the built main process (Node with a fake electron module, not the Electron binary)', () => {
  it('ends within seconds although a client holds an idle connection', async () => {
    const app = await launch(await appHome())
    await untilReady(app)
    const idle = await idleConnection(app)
    const closedByServer = new Promise<void>((done) => idle.once('close', () => done()))

    await app.quit()
    const exit = await within(app, app.exited, 8_000, 'the app exits although a connection is idle')
    expect(exit.code).toBe(0)
    await within(app, closedByServer, 1_000, 'the idle connection is closed')
  })

  it('keeps answering the window, still on screen, while the quit stops the server', async () => {
    const app = await launch(await appHome())
    await untilReady(app)
    await idleConnection(app) // keeps the server's close pending for a moment

    await app.quit()
    const during = resultOf(await app.invoke('keys:list'))
    expect(during?.ok, JSON.stringify(during)).toBe(true)
    // Only a restart of the server is refused: the app is going.
    expect(resultOf(await app.invoke('server:start'))).toEqual({
      ok: false,
      error: { kind: 'Unavailable', message: 'FlowKeys is quitting.' }
    })
    expect((await within(app, app.exited, 8_000, 'the app exits')).code).toBe(0)
  })

  it('still saves usage counts when the window is closed while the first quit is stopping', async () => {
    const home = await appHome()
    const app = await launch(home)
    await untilReady(app)
    const keyId = await useNewKey(app)
    await idleConnection(app) // keeps the server's close pending for a moment

    await app.quit()
    await app.closeWindow() // window-all-closed quits again, while the first quit is still stopping
    const exit = await within(app, app.exited, 8_000, 'the app exits')
    expect(exit.code).toBe(0)
    expect(savedUses(home, keyId)).toBe(1)
  })

  it('gives up on a shutdown stuck behind the store lock after its deadline', async () => {
    const home = await appHome()
    const app = await launch(home, { env: { FLOWKEYS_QUIT_DEADLINE_MS: '1500' } })
    await untilReady(app)
    await useNewKey(app)

    // Another process holds the store's lock, so the usage flush waits for it (up to 15 s, then fails).
    let release!: () => void
    const held = new Promise<void>((done) => (release = done))
    const locked = new Promise<void>((taken) => {
      void new FileLock(join(home.dataDir, 'flowkeys.json.lock')).with(async () => {
        taken()
        await held
      })
    })
    await locked
    try {
      const quitAt = Date.now()
      await app.quit()
      const exit = await within(app, app.exited, 6_000, 'the app exits at the shutdown deadline')
      expect(exit.code).toBe(0)
      expect(exit.at - quitAt).toBeGreaterThanOrEqual(1_400)
      expect(app.output()).toContain('did not finish within 1500 ms')
    } finally {
      release()
    }
  })

  it('stops and saves usage counts when the Windows session ends, where before-quit never comes', async () => {
    const home = await appHome()
    const app = await launch(home)
    await untilReady(app)
    const keyId = await useNewKey(app)

    await app.endSession()
    const exit = await within(app, app.exited, 8_000, 'the app stops when the session ends')
    expect(exit.code).toBe(0)
    expect(savedUses(home, keyId)).toBe(1)
  })
})
