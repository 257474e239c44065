import { BadRequest, Conflict } from '../base/errors'
import type { Store, StoreOps } from './backend'

export interface CopySummary {
  users: number
  api_keys: number
  variables: number
}

/** Whether a store holds anything: a user, a secret, or a vault of its own. */
export async function holdsData(
  store: Pick<StoreOps, 'listUsers' | 'holdsSecrets' | 'vaultMeta'>
): Promise<boolean> {
  const { total } = await store.listUsers({ limit: 0 })
  return total > 0 || (await store.holdsSecrets()) || (await store.vaultMeta()).vault_id !== null
}

/**
 * Copies every record of `source` to `target` as it is: values stay sealed under the same vault key, API keys
 * keep their HMACs (so they keep working) and the vault check comes along. All or nothing, in one transaction
 * of the target; a target that holds data is replaced only with `force`.
 */
export async function copyStore(
  source: Store,
  target: Store,
  options: { force?: boolean } = {}
): Promise<CopySummary> {
  const data = await source.exportAll()
  try {
    await target.transaction(async (tx) => {
      // Checked inside the transaction: no other writer can fill the target in between.
      if (!options.force && (await holdsData(tx))) {
        throw new Conflict(
          `The target store ${target.location.where} is not empty; nothing was copied (replace it with --force).`
        )
      }
      await tx.replaceAll(data)
    })
  } catch (err) {
    // A record the target refuses (a date it cannot hold, a NUL): the transaction left the target as it was.
    if (err instanceof BadRequest) throw new BadRequest(`${err.message}; nothing was copied`)
    throw err
  }
  return { users: data.users.length, api_keys: data.api_keys.length, variables: data.variables.length }
}
