import { randomUUID } from 'node:crypto'
import type { StoreData, VariableRecord } from '../store/schema'
import type { Vault } from '../vault/vault'
import { providerDefaultFields } from './providers'
import { requireUser, type VariableContext } from './model'

export interface EnvironmentImportSummary {
  created: string[]
  updated: string[]
  /** Present in the environment but left alone: set in the app, or already holding the same value. */
  kept: string[]
}

/** Applies the environment import to `data` and says what it did. Values are trimmed, as Langflow strips them. */
function applyEnvironment(
  data: StoreData,
  vault: Vault,
  userId: string,
  env: NodeJS.ProcessEnv,
  names: readonly string[]
): EnvironmentImportSummary {
  const summary: EnvironmentImportSummary = { created: [], updated: [], kept: [] }
  const now = new Date().toISOString()
  for (const name of new Set(names)) {
    const raw = Object.hasOwn(env, name) ? env[name] : undefined
    const value = typeof raw === 'string' ? raw.trim() : ''
    if (!value) continue
    const defaults = providerDefaultFields(name)
    const existing = data.variables.find((v) => v.user_id === userId && v.name === name)
    if (!existing) {
      const record: VariableRecord = {
        id: randomUUID(),
        user_id: userId,
        name,
        type: 'Credential',
        value: vault.encrypt(value),
        default_fields: defaults,
        source: 'env',
        created_at: now,
        updated_at: now
      }
      data.variables.push(record)
      summary.created.push(name)
      continue
    }
    // The app wins over the environment (Langflow issue #8098): a value set by hand is never replaced.
    if (existing.source === 'app') {
      summary.kept.push(name)
      continue
    }
    const valueChanged = vault.decrypt(existing.value) !== value
    const fillDefaults = existing.default_fields.length === 0 && defaults.length > 0
    if (!valueChanged && !fillDefaults) {
      summary.kept.push(name)
      continue
    }
    if (valueChanged) existing.value = vault.encrypt(value)
    if (fillDefaults) existing.default_fields = defaults
    existing.updated_at = now
    summary.updated.push(name)
  }
  return summary
}

/**
 * Langflow's environment import for one user: every listed name that is set and not blank in `env` becomes a
 * Credential (provider default_fields for known providers). A variable last set in the app is kept; one that
 * came from the environment follows it. One write for the whole import, none when nothing changes.
 */
export async function importFromEnvironment(
  ctx: VariableContext,
  userId: string,
  env: NodeJS.ProcessEnv,
  names: readonly string[]
): Promise<EnvironmentImportSummary> {
  // A dry run on a copy first: most starts change nothing, and then the store file is not rewritten.
  const snapshot = ctx.store.read()
  const dry = applyEnvironment(
    { ...snapshot, variables: snapshot.variables.map((v) => ({ ...v })) },
    ctx.vault,
    userId,
    env,
    names
  )
  if (dry.created.length === 0 && dry.updated.length === 0) return dry
  return ctx.store.update((data) => {
    requireUser(data, userId)
    return applyEnvironment(data, ctx.vault, userId, env, names)
  })
}
