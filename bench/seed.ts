import { randomUUID } from 'node:crypto'
import type { Core } from '../src/main/core/open'
import { VISIBLE_KEY_CHARS } from '../src/shared/api-key-display'
import { generateApiKey } from '../src/main/keys/generate'
import type { ApiKeyRecord, VariableRecord, VariableType } from '../src/main/store/schema'

/**
 * Fast seeding for the benchmarks: N records built exactly as ApiKeyService.create / VariableService.create build
 * them, inserted in ONE store write (creating 10,000 keys through the service would be 10,000 locked writes).
 */

/** Inserts `count` API keys for `userId` (the superuser by default) and returns their plaintexts. */
export async function seedKeys(core: Core, count: number, userId = core.superuser().id): Promise<string[]> {
  const now = new Date().toISOString()
  const plaintexts: string[] = []
  const records: ApiKeyRecord[] = []
  for (let i = 0; i < count; i++) {
    const apiKey = generateApiKey()
    plaintexts.push(apiKey)
    records.push({
      id: randomUUID(),
      name: `seed-${i}`,
      hash: core.vault.hashApiKey(apiKey),
      prefix: apiKey.slice(0, VISIBLE_KEY_CHARS),
      created_at: now,
      last_used_at: null,
      total_uses: 0,
      is_active: true,
      user_id: userId,
      expires_at: null,
      allowed_flows: null
    })
  }
  // The store has no batch insert for keys (one insertKey per key would rewrite the JSON file each time): add them
  // to its data in one transaction.
  await core.store.transaction(async (tx) => {
    const data = await tx.exportAll()
    data.api_keys.push(...records)
    await tx.replaceAll(data)
  })
  return plaintexts
}

export interface SeedVariablesOptions {
  userId?: string
  /** How many of them are Generic (their values are decrypted on every listing); the rest are Credentials. */
  generic?: number
  prefix?: string
}

/** Inserts `count` variables (values encrypted, as the service stores them) and returns their names. */
export async function seedVariables(
  core: Core,
  count: number,
  options: SeedVariablesOptions = {}
): Promise<string[]> {
  const userId = options.userId ?? core.superuser().id
  const generic = options.generic ?? 0
  const now = new Date().toISOString()
  const records: VariableRecord[] = []
  for (let i = 0; i < count; i++) {
    const type: VariableType = i < generic ? 'Generic' : 'Credential'
    records.push({
      id: randomUUID(),
      user_id: userId,
      name: `${options.prefix ?? 'SEED_VARIABLE'}_${i}`,
      type,
      value: core.vault.encrypt(`value-${i}-${randomUUID()}`),
      default_fields: type === 'Credential' ? ['OpenAI', 'api_key'] : [],
      source: 'app',
      created_at: now,
      updated_at: now
    })
  }
  await core.store.insertVariables(records)
  return records.map((r) => r.name)
}
