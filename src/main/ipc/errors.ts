import { isFlowKeysError, oneLine } from '../base/errors'
import type { IpcError } from '../../shared/ipc'

export const UNEXPECTED_ERROR = 'Something went wrong. The details are in the app log.'

/**
 * The one place where a thrown value becomes what the renderer sees: the core's typed errors keep their kind
 * and message (which never hold a secret); anything else is logged here and reported as Internal, so no
 * stack or unexpected text ever crosses the bridge.
 */
export function toIpcError(err: unknown, log: (message: string) => void): IpcError {
  if (isFlowKeysError(err)) return { kind: err.kind, message: oneLine(err) }
  log(`FlowKeys: an IPC handler failed: ${oneLine(err)}`)
  return { kind: 'Internal', message: UNEXPECTED_ERROR }
}
