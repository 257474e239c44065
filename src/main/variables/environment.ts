import { randomUUID } from 'node:crypto'
import type { VariableRecord } from '../store/schema'
import type { Vault } from '../vault/vault'
import { providerDefaultFields } from './providers'
import { requireUser, variableWrite, type VariableContext } from './model'

export interface EnvironmentImportSummary {
  created: string[]
  updated: string[]
  /** Present in the environment but left alone: set in the app, or already holding the same value. */
  kept: string[]
}

interface EnvironmentChanges {
  summary: EnvironmentImportSummary
  created: VariableRecord[]
  updated: VariableRecord[]
}

/** What the environment import changes in the user's variables. Values are trimmed, as Langflow strips them. */
function applyEnvironment(
  variables: readonly VariableRecord[],
  vault: Vault,
  userId: string,
  env: NodeJS.ProcessEnv,
  names: readonly string[]
): EnvironmentChanges {
  const summary: EnvironmentImportSummary = { created: [], updated: [], kept: [] }
  const created: VariableRecord[] = []
  const updated: VariableRecord[] = []
  const byName = new Map(variables.map((v) => [v.name, v]))
  const now = new Date().toISOString()
  for (const name of new Set(names)) {
    const raw = Object.hasOwn(env, name) ? env[name] : undefined
    const value = typeof raw === 'string' ? raw.trim() : ''
    if (!value) continue
    const defaults = providerDefaultFields(name)
    const existing = byName.get(name)
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
      created.push(record)
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
    updated.push({
      ...existing,
      value: valueChanged ? vault.encrypt(value) : existing.value,
      default_fields: fillDefaults ? defaults : existing.default_fields,
      updated_at: now
    })
    summary.updated.push(name)
  }
  return { summary, created, updated }
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
  // A dry run first, without a transaction: most starts change nothing, and then nothing is written.
  const dry = await ctx.vault.reading(async () =>
    applyEnvironment(await ctx.store.variablesOf(userId), ctx.vault, userId, env, names)
  )
  if (dry.created.length === 0 && dry.updated.length === 0) return dry.summary
  return ctx.vault.writing(() =>
    variableWrite(
      ctx.store.transaction(async (tx) => {
        await ctx.vault.assertCurrent(tx)
        await requireUser(tx, userId)
        const changes = applyEnvironment(await tx.variablesOf(userId), ctx.vault, userId, env, names)
        if (changes.created.length > 0) await tx.insertVariables(changes.created)
        if (changes.updated.length > 0) await tx.saveVariables(changes.updated)
        return changes.summary
      })
    )
  )
}
