// The OS keychain at start, under a recording fake of Electron (not the real binary; see ./driver.ts) but with
// the real keychain (gnome-keyring in the test session, through keytar): the window shows while the keychain
// does not answer yet and the app goes on once it does; without any keychain the window says what to do.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp'
import { busSocket, stalledBus, type StalledBus } from './bus-stall'
import { appHome, launch, resultOf, untilReady, value, waitFor, within } from './scenario'

const realBus = busSocket(process.env.DBUS_SESSION_BUS_ADDRESS)
const buses: StalledBus[] = []
afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close()
})

describe('the built main process and the OS keychain (Node with a fake electron module, real keychain)', () => {
  it.skipIf(realBus === null)(
    'shows the window while the keychain has not answered, says so, and goes on when it does',
    async () => {
      const bus = await stalledBus(realBus!, tempDir('flowkeys-bus-'))
      buses.push(bus)
      const app = await launch(await appHome(), { env: { DBUS_SESSION_BUS_ADDRESS: bus.address } })

      // The window is on screen with its page, and the page learns what the start waits for.
      await waitFor(
        app,
        'a visible window while the keychain is silent',
        async () => {
          const { windows } = await app.snapshot()
          return windows.some((window) => window.visible && window.readyToShow)
        },
        10_000
      )
      await waitFor(
        app,
        'the start says it waits for the keychain',
        async () => {
          const state = resultOf(await app.invoke('app:startup'))
          return state?.ok && (state.value as { phase: string }).phase === 'keychain'
        },
        10_000
      )
      expect(bus.connections()).toBeGreaterThan(0)
      const early = resultOf(await app.invoke('keys:list'))
      expect(early).toEqual({
        ok: false,
        error: { kind: 'Unavailable', message: expect.stringContaining('keychain') }
      })

      bus.release()
      await untilReady(app)
      expect(await value(app, 'app:startup')).toEqual({ phase: 'ready', message: null })
      expect((await app.snapshot()).dialogs).toEqual([])
    }
  )

  it('without a keychain, the window says why it cannot start and how to fix it; closing it quits', async () => {
    const noBus = `unix:path=${join(tempDir('flowkeys-nobus-'), 'no-such-bus')}`
    const app = await launch(await appHome(), { env: { DBUS_SESSION_BUS_ADDRESS: noBus } })

    const failed = await waitFor(app, 'the start reports its failure', async () => {
      const state = resultOf(await app.invoke('app:startup'))
      const startup = state?.ok ? (state.value as { phase: string; message: string | null }) : null
      return startup?.phase === 'failed' ? startup : undefined
    })
    expect(failed.message).toContain('FLOWKEYS_SECRET_KEY')
    const snapshot = await app.snapshot()
    expect(snapshot.windows.some((window) => window.visible)).toBe(true)
    expect(snapshot.dialogs).toEqual([])
    expect(resultOf(await app.invoke('keys:list'))).toEqual({
      ok: false,
      error: { kind: 'Unavailable', message: expect.stringContaining('could not start') }
    })

    await app.closeWindow()
    const exit = await within(app, app.exited, 8_000, 'the app quits when its window closes')
    expect(exit.code).toBe(0)
  })
})
