// The messages between the fake `electron` module (inside the app's process) and the driver (in the test): the
// driver sends commands as a user or the OS would act, the fake answers with what its stand-ins recorded.
import type { AppSnapshot } from '../driver'

export type { DialogSnapshot, InvokeOutcome, LoadRecord } from '../driver'

export type FakeCommand =
  | { cmd: 'invoke'; channel: string; payload: unknown; frameUrl?: string }
  | { cmd: 'snapshot' }
  | { cmd: 'quit' }
  | { cmd: 'closeWindow' }
  | { cmd: 'minimizeWindow' }
  | { cmd: 'secondInstance'; argv: string[]; cwd: string }
  | { cmd: 'endSession' }

export interface FakeRequest {
  id: number
  command: FakeCommand
}

export type FakeReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string }

/** The scenario-facing snapshot, plus what only the fake can tell: whether ready fired, and every call made. */
export interface FakeSnapshot extends AppSnapshot {
  ready: boolean
  calls: { api: string; args: unknown[] }[]
}
