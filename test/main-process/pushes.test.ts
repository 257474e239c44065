// Main's pushes in the built main process, under a recording fake of Electron (not the real binary; see
// ./driver.ts): the key server's status and its requests go to the app's window on the one push channel, with
// validated payloads that carry no key.
import { describe, expect, it } from 'vitest'
import type { FakeSnapshot } from './fake-electron/protocol'
import { PUSH_CHANNEL } from '../../src/shared/ipc'
import { appHome, launch, serverUrl, untilReady, useNewKey, value, waitFor } from './scenario'
import type { RunningApp } from './driver'

type Sent = { api: string; args: unknown[] }

async function sends(app: RunningApp): Promise<Sent[]> {
  const snapshot = await (app as RunningApp & { fakeSnapshot(): Promise<FakeSnapshot> }).fakeSnapshot()
  return snapshot.calls.filter((call) => /^webContents#\d+\.send$/.test(call.api))
}

describe('the built main process pushing to the window (Node with a fake electron module)', () => {
  it('sends server:changed and access:entry to the window, on the push channel only', async () => {
    const home = await appHome()
    const app = await launch(home)
    await untilReady(app)
    const url = await serverUrl(app)

    await useNewKey(app)
    const entry = await waitFor(app, 'an access:entry push', async () =>
      (await sends(app)).find((call) => call.args[1] === 'access:entry')
    )
    expect(entry.args).toEqual([
      PUSH_CHANNEL,
      'access:entry',
      {
        time: expect.any(String),
        method: 'GET',
        path: '/api/v1/users/whoami',
        keyName: 'usage',
        status: 200
      }
    ])

    // (The autostart's status went to the window too, if it had loaded by then.)
    await value(app, 'server:stop')
    const stopped = await waitFor(app, "the stop's server:changed push", async () =>
      (await sends(app)).find(
        (call) => call.args[1] === 'server:changed' && !(call.args[2] as { running: boolean }).running
      )
    )
    expect(stopped.args).toEqual([
      PUSH_CHANNEL,
      'server:changed',
      { running: false, url: null, port: Number(new URL(url).port), lastError: null }
    ])
    for (const call of await sends(app)) expect(call.args[0]).toBe(PUSH_CHANNEL)
  })
})
