// API keys as the table shows them. The plaintext of a new key is never kept here: create() hands it to the
// dialog that reveals it, and it is gone when the dialog closes.
import { create } from 'zustand'
import { keyStatus, type KeyStatus } from '@shared/api-key-display'
import type { ApiKeyView, RequestOf, ResponseOf } from '@shared/ipc'
import { api, call, messageOf } from '@renderer/lib/ipc'
import { keptIn, nextSort, toggled, type SortDirection } from '@renderer/lib/table'

export type KeySortColumn = 'name' | 'created_at' | 'last_used_at' | 'total_uses' | 'expires_at' | 'status'

interface KeysState {
  keys: ApiKeyView[]
  loaded: boolean
  loading: boolean
  error: string | null
  query: string
  status: 'all' | KeyStatus
  sort: { column: KeySortColumn; direction: SortDirection }
  selected: ReadonlySet<string>
  load(): Promise<void>
  create(input: RequestOf<'keys:create'>): Promise<ResponseOf<'keys:create'>>
  revoke(ids: string[]): Promise<ResponseOf<'keys:revoke'>>
  setQuery(query: string): void
  setStatus(status: 'all' | KeyStatus): void
  sortBy(column: KeySortColumn): void
  setSort(sort: { column: KeySortColumn; direction: SortDirection }): void
  /** A new name for a key (`keys:rename`); the list shows it at once. Throws (for the dialog) when refused. */
  rename(id: string, name: string): Promise<ApiKeyView>
  toggle(id: string): void
  setSelected(ids: Iterable<string>): void
}

export const useKeys = create<KeysState>()((set, get) => ({
  keys: [],
  loaded: false,
  loading: false,
  error: null,
  query: '',
  status: 'all',
  sort: { column: 'created_at', direction: 'desc' },
  selected: new Set(),

  async load() {
    set({ loading: true })
    try {
      const { api_keys } = await call(api().keys.list())
      set({ keys: api_keys, loaded: true, error: null, selected: keptIn(get().selected, api_keys) })
    } catch (error) {
      set({ error: messageOf(error), loaded: true })
    } finally {
      set({ loading: false })
    }
  },

  async create(input) {
    const created = await call(api().keys.create(input))
    set({ keys: [...get().keys, created.key] })
    return created
  },

  async revoke(ids) {
    const result = await call(api().keys.revoke({ ids }))
    const gone = new Set([...result.revoked, ...result.failed.map((f) => f.id)])
    const selected = new Set([...get().selected].filter((id) => !gone.has(id)))
    set({ keys: get().keys.filter((k) => !gone.has(k.id)), selected })
    return result
  },

  async rename(id, name) {
    const key = await call(api().keys.rename({ id, name }))
    set({ keys: get().keys.map((k) => (k.id === id ? key : k)) })
    return key
  },

  setSort: (sort) => set({ sort }),
  setQuery: (query) => set({ query }),
  setStatus: (status) => set({ status }),
  sortBy: (column) => set({ sort: nextSort(get().sort, column, column === 'name') }),
  toggle: (id) => set({ selected: toggled(get().selected, id) }),
  setSelected: (ids) => set({ selected: new Set(ids) })
}))

const STATUS_ORDER: Record<KeyStatus, number> = { active: 0, expired: 1, inactive: 2 }

/** The rows to show: filtered by name or key prefix and status, then sorted (nulls last). */
export function visibleKeys(
  keys: readonly ApiKeyView[],
  query: string,
  status: 'all' | KeyStatus,
  sort: { column: KeySortColumn; direction: SortDirection },
  now: number
): ApiKeyView[] {
  const needle = query.trim().toLowerCase()
  const rows = keys.filter(
    (k) =>
      (status === 'all' || keyStatus(k, now) === status) &&
      (!needle || (k.name ?? '').toLowerCase().includes(needle) || k.api_key.toLowerCase().startsWith(needle))
  )
  const sign = sort.direction === 'asc' ? 1 : -1
  const value = (k: ApiKeyView): string | number | null => {
    switch (sort.column) {
      case 'name':
        return k.name?.toLowerCase() ?? null
      case 'total_uses':
        return k.total_uses
      case 'status':
        return STATUS_ORDER[keyStatus(k, now)]
      default:
        return k[sort.column]
    }
  }
  return rows.sort((a, b) => {
    const x = value(a)
    const y = value(b)
    if (x === y) return 0
    if (x === null) return 1
    if (y === null) return -1
    return (x < y ? -1 : 1) * sign
  })
}
