// The table the shell registers before the core is open (src/main/ipc/startup-gate.ts): every channel is there
// from the start; until the core is open they say why they cannot answer, app:startup always answers.
import { describe, expect, it } from 'vitest'
import type { HandlerTable } from '../../src/main/ipc/handlers'
import { gatedHandlerTable } from '../../src/main/ipc/startup-gate'
import { CHANNELS, type StartupState } from '../../src/shared/ipc'

function recordingTable(): { table: HandlerTable; calls: string[] } {
  const calls: string[] = []
  const table = Object.fromEntries(
    CHANNELS.map((channel) => [
      channel,
      async () => {
        calls.push(channel)
        return { ok: true, value: channel }
      }
    ])
  ) as unknown as HandlerTable
  return { table, calls }
}

function gate(state: StartupState, table: HandlerTable | null) {
  return gatedHandlerTable({ state: () => state, table: () => table }) as unknown as Record<
    string,
    (payload?: unknown) => Promise<unknown>
  >
}

describe('the start-up gate', () => {
  it('has every channel, and answers app:startup before anything is open', async () => {
    const gated = gate({ phase: 'keychain', message: null }, null)
    expect(Object.keys(gated).sort()).toEqual([...CHANNELS].sort())
    expect(await gated['app:startup']!()).toEqual({ ok: true, value: { phase: 'keychain', message: null } })
    expect(await gated['app:startup']!({ extra: 1 })).toMatchObject({ ok: false, error: { kind: 'Invalid' } })
  })

  it.each([
    [{ phase: 'starting', message: null }, 'FlowKeys is still starting.'],
    [{ phase: 'keychain', message: null }, 'FlowKeys is waiting for the OS keychain to be unlocked.'],
    [{ phase: 'failed', message: 'No vault key.' }, 'FlowKeys could not start: No vault key.'],
    [{ phase: 'stopping', message: null }, 'FlowKeys is quitting.']
  ] as [StartupState, string][])(
    'refuses the other channels while %o, saying why',
    async (state, message) => {
      const gated = gate(state, null)
      expect(await gated['keys:list']!()).toEqual({ ok: false, error: { kind: 'Unavailable', message } })
    }
  )

  it('forwards to the open table, and refuses only a server restart while the app quits', async () => {
    const { table, calls } = recordingTable()
    const ready = gate({ phase: 'ready', message: null }, table)
    expect(await ready['server:start']!()).toEqual({ ok: true, value: 'server:start' })
    const stopping = gate({ phase: 'stopping', message: null }, table)
    expect(await stopping['keys:list']!()).toEqual({ ok: true, value: 'keys:list' })
    expect(await stopping['server:start']!()).toEqual({
      ok: false,
      error: { kind: 'Unavailable', message: 'FlowKeys is quitting.' }
    })
    expect(calls).toEqual(['server:start', 'keys:list'])
  })
})
