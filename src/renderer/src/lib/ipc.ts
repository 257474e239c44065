// How the renderer talks to main: every window.flowkeys function answers an IpcResult; `call` turns a failure
// into an IpcCallError whose message is already readable (the core's message, or a validation summary).
import type { IpcErrorKind, IpcResult } from '@shared/ipc'

class IpcCallError extends Error {
  readonly kind: IpcErrorKind
  constructor(kind: IpcErrorKind, message: string) {
    super(message)
    this.name = 'IpcCallError'
    this.kind = kind
  }
}

export const api = (): Window['flowkeys'] => window.flowkeys

export async function call<T>(pending: Promise<IpcResult<T>>): Promise<T> {
  let result: IpcResult<T>
  try {
    result = await pending
  } catch {
    throw new IpcCallError('Unavailable', 'FlowKeys could not reach its background process. Restart the app.')
  }
  if (result.ok) return result.value
  throw new IpcCallError(result.error.kind, result.error.message)
}

/** A sentence for the user, whatever was thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof IpcCallError) return error.message
  return 'Something went wrong. Try again.'
}
