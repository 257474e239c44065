import { Forbidden } from '../core/errors'

/** Who is acting: the user behind an API key, a token, the desktop session or the CLI. */
export interface Actor {
  id: string
  is_superuser: boolean
}

export const NOT_ENOUGH_PRIVILEGES = "The user doesn't have enough privileges"

export function requireSuperuser(actor: Actor): void {
  if (!actor.is_superuser) throw new Forbidden(NOT_ENOUGH_PRIVILEGES)
}
