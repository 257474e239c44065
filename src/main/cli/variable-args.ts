import { InvalidArgumentError } from 'commander'
import type { Core } from '../core/open'
import type { VariableRecord, VariableType } from '../store/schema'
import type { Actor } from '../users/actor'
import { variableNotFound } from '../variables/model'
import { CliError } from './exit'
import { resolveUser } from './session'

// What the variable commands (import-env, export-env, vars, run) share: option parsers and name checks.

/** `--type` values, spelled as Langflow spells them (any case accepted). */
export function parseVariableType(text: string): VariableType {
  const lower = text.trim().toLowerCase()
  if (lower === 'credential') return 'Credential'
  if (lower === 'generic') return 'Generic'
  throw new InvalidArgumentError('Use Credential or Generic.')
}

/** `--names A,B` / `--only A,B`: a comma-separated list of names, blanks and repeats dropped. */
export function parseNames(text: string): string[] {
  const names = [
    ...new Set(
      text
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '')
    )
  ]
  if (names.length === 0) throw new InvalidArgumentError('Give at least one name, e.g. A,B.')
  return names
}

/** `--fields a,b`: Langflow's default_fields; an empty string clears them. */
export function parseFields(text: string): string[] {
  return text
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '')
}

/** The user a variable command acts for: `--user` (username or id), or the CLI's own user (the superuser). */
export async function targetUserId(core: Core, actor: Actor, user: string | undefined): Promise<string> {
  return user === undefined ? actor.id : (await resolveUser(core, user)).id
}

/** The user's stored records by name, Langflow's internal `__names__` included (read-only). */
export async function recordsByName(core: Core, userId: string): Promise<Map<string, VariableRecord>> {
  return new Map((await core.store.variablesOf(userId)).map((v) => [v.name, v]))
}

/** Refuses (exit 1) when any of `names` is not a variable of the user, naming every missing one. */
export function requireNames(known: Map<string, unknown>, names: readonly string[], nothing: string): void {
  const missing = names.filter((n) => !known.has(n))
  if (missing.length === 1) throw new CliError(`${variableNotFound(missing[0]!)} ${nothing}`)
  if (missing.length > 1)
    throw new CliError(`${missing.length} variables not found: ${missing.join(', ')}. ${nothing}`)
}
