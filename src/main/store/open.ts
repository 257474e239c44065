import type { Store } from './backend'
import { JsonStore } from './json-store'

/**
 * The store FlowKeys uses: PostgreSQL when a database URL is given (a team's store, shared by several key
 * servers), otherwise the JSON file in the data directory.
 */
export async function openStore(dataDir: string, databaseUrl?: string): Promise<Store> {
  if (!databaseUrl) return JsonStore.open(dataDir)
  // Loaded only for a team store: the desktop default never needs the PostgreSQL client.
  const { openPostgresStore } = await import('./postgres/postgres-store')
  return openPostgresStore(databaseUrl)
}
