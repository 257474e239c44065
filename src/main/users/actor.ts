import { Forbidden } from '../base/errors'

/** Who is acting: the user behind an API key, a token, the desktop session or the CLI. */
export interface Actor {
  id: string
  is_superuser: boolean
  /**
   * True when the caller proved nothing: Langflow's auto-login (a request without a key under
   * LANGFLOW_SKIP_AUTH_AUTO_LOGIN, or an auto-login token). Such an actor reads no secret, makes no key and
   * manages no user (SECURITY.md).
   */
  viaAutoLogin?: boolean
}

export const NOT_ENOUGH_PRIVILEGES = "The user doesn't have enough privileges"
export const PROOF_REQUIRED = 'This needs an API key or a password login: an auto-login session cannot do it'

export function requireProven(actor: Actor): void {
  if (actor.viaAutoLogin) throw new Forbidden(PROOF_REQUIRED)
}

export function requireSuperuser(actor: Actor): void {
  if (!actor.is_superuser) throw new Forbidden(NOT_ENOUGH_PRIVILEGES)
}
