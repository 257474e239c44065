import { expect } from 'vitest'
import type { FlowKeysError } from '../../src/main/base/errors'

/** Runs `fn` and returns what it threw (failing the test when it throws nothing). */
export async function caught(fn: () => unknown): Promise<FlowKeysError> {
  try {
    await fn()
  } catch (err) {
    return err as FlowKeysError
  }
  expect.unreachable('expected an error')
  throw new Error('unreachable')
}
