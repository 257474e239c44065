import type { AccessLog } from '../audit/access-log'
import { isFlowKeysError, Unauthorized } from '../base/errors'
import { FailureLimiter } from '../base/failure-limiter'
import type { Store } from '../store/backend'
import type { Actor } from '../users/actor'
import { verifyPassword } from '../users/password'
import type { UserService } from '../users/service'
import type { VariableService } from './service'

/** This many wrong passwords within REVEAL_WINDOW_MS, and the next try waits. */
const REVEAL_MAX_FAILURES = 5
const REVEAL_WINDOW_MS = 60_000
export const REVEAL_WRONG_PASSWORD = 'Incorrect password. The value stays hidden.'

export interface RevealedValue {
  id: string
  name: string
  value: string
}

/**
 * A Credential's value for the desktop window, on explicit request (SECURITY.md): the password of the account the
 * app acts as proves the user is present; wrong ones are limited. Every attempt lands in the access log like the
 * credential endpoint's reads: the name and the outcome, never the value or the password.
 */
export class CredentialReveal {
  // One desktop user: one client for the limiter.
  private readonly failures = new FailureLimiter({
    windowMs: REVEAL_WINDOW_MS,
    maxFailures: REVEAL_MAX_FAILURES
  })

  constructor(
    private readonly core: {
      store: Store
      users: UserService
      variables: VariableService
      accessLog: AccessLog
    }
  ) {}

  async reveal(actor: Actor, id: string, password: string): Promise<RevealedValue> {
    const { store, users, variables, accessLog } = this.core
    const record = (outcome: 'served' | 'not_found' | 'refused', name: string): void => {
      accessLog.record({
        kind: 'credential',
        keyId: null,
        keyName: 'desktop app',
        userId: actor.id,
        variable: name.slice(0, 200),
        outcome
      })
    }
    const nameOf = async (): Promise<string> => (await store.variableById(actor.id, id))?.name ?? id
    try {
      this.failures.check('desktop', 'Too many wrong passwords. Try again in a minute.')
    } catch (err) {
      record('refused', await nameOf())
      throw err
    }
    const user = await users.findRecord(actor.id)
    if (!user || !(await verifyPassword(password, user.password_hash))) {
      this.failures.recordFailure('desktop')
      record('refused', await nameOf())
      throw new Unauthorized(REVEAL_WRONG_PASSWORD)
    }
    try {
      const found = await variables.getById(actor.id, id)
      record('served', found.name)
      return { id: found.id, name: found.name, value: found.value }
    } catch (err) {
      if (isFlowKeysError(err) && err.kind === 'NotFound') record('not_found', id)
      throw err
    }
  }
}
