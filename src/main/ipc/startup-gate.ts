// The handler table the shell registers before the core is open: the window shows first (opening the core may
// wait for the OS keychain), so every channel is registered at once and answers Unavailable until the table over
// the core is there. `app:startup` always answers. While the app quits, calls keep working (the window is still
// on screen) except `server:start`, until the core is closed.
import { CHANNELS, contract, type Channel, type IpcResult, type StartupState } from '../../shared/ipc'
import type { HandlerTable } from './handlers'

export interface StartupGate {
  /** Where the start is; `message` is shown to the user when it failed. */
  state(): StartupState
  /** The table over the open core; null before it opened and after it closed. */
  table(): HandlerTable | null
}

function unavailable(message: string): IpcResult<never> {
  return { ok: false, error: { kind: 'Unavailable', message } }
}

const QUITTING = 'FlowKeys is quitting.'

function refusal(state: StartupState): IpcResult<never> {
  switch (state.phase) {
    case 'keychain':
      return unavailable('FlowKeys is waiting for the OS keychain to be unlocked.')
    case 'failed':
      return unavailable(`FlowKeys could not start: ${state.message ?? 'see the app log.'}`)
    case 'stopping':
      return unavailable(QUITTING)
    default:
      return unavailable('FlowKeys is still starting.')
  }
}

function answerStartup(gate: StartupGate, payload: unknown): IpcResult<StartupState> {
  const { request, response } = contract['app:startup']
  if (!request.safeParse(payload).success) {
    return { ok: false, error: { kind: 'Invalid', message: 'Invalid request: app:startup takes no payload' } }
  }
  return { ok: true, value: response.parse(gate.state()) }
}

/** One handler per channel, each forwarding to the current table or refusing with why it cannot answer yet. */
export function gatedHandlerTable(gate: StartupGate): HandlerTable {
  const table: Partial<Record<Channel, (payload: unknown) => Promise<unknown>>> = {}
  for (const channel of CHANNELS) {
    table[channel] = async (payload) => {
      if (channel === 'app:startup') return answerStartup(gate, payload)
      const state = gate.state()
      const current = gate.table()
      if (!current) return refusal(state)
      if (state.phase === 'stopping' && channel === 'server:start') return unavailable(QUITTING)
      return current[channel](payload)
    }
  }
  return Object.freeze(table) as HandlerTable
}
