// Global variables as the table shows them: never a Credential's value (null in every listing). A value the
// user reveals lives only in the reveal dialog's state and is gone when it closes.
import { create } from 'zustand'
import type { RequestOf, ResponseOf, VariableView } from '@shared/ipc'
import { api, call, messageOf } from '@renderer/lib/ipc'
import { keptIn, nextSort, toggled, type SortDirection } from '@renderer/lib/table'

export type VariableSortColumn = 'name' | 'type' | 'created_at' | 'updated_at'
interface VariableSort {
  column: VariableSortColumn
  direction: SortDirection
}

interface VariablesState {
  variables: VariableView[]
  loaded: boolean
  error: string | null
  query: string
  sort: VariableSort
  selected: ReadonlySet<string>
  load(): Promise<void>
  create(input: RequestOf<'variables:create'>): Promise<VariableView>
  /** A new `value` replaces the stored one; leaving it out keeps it. */
  update(input: RequestOf<'variables:update'>): Promise<VariableView>
  remove(id: string): Promise<void>
  /** Deletes all of them in one write, or none. */
  removeMany(ids: string[]): Promise<ResponseOf<'variables:deleteMany'>>
  setQuery(query: string): void
  sortBy(column: VariableSortColumn): void
  toggle(id: string): void
  setSelected(ids: Iterable<string>): void
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true })
const byName = (a: VariableView, b: VariableView): number => collator.compare(a.name, b.name)

const without = (selected: ReadonlySet<string>, gone: ReadonlySet<string>): ReadonlySet<string> =>
  new Set([...selected].filter((id) => !gone.has(id)))

export const useVariables = create<VariablesState>()((set, get) => ({
  variables: [],
  loaded: false,
  error: null,
  query: '',
  sort: { column: 'name', direction: 'asc' },
  selected: new Set(),
  async load() {
    try {
      const variables = await call(api().variables.list())
      set({
        variables: variables.sort(byName),
        loaded: true,
        error: null,
        selected: keptIn(get().selected, variables)
      })
    } catch (error) {
      set({ error: messageOf(error), loaded: true })
    }
  },
  async create(input) {
    const created = await call(api().variables.create(input))
    set({ variables: [...get().variables, created].sort(byName) })
    return created
  },
  async update(input) {
    const updated = await call(api().variables.update(input))
    set({
      variables: get()
        .variables.map((v) => (v.id === updated.id ? updated : v))
        .sort(byName)
    })
    return updated
  },
  async remove(id) {
    await call(api().variables.delete({ id }))
    const gone = new Set([id])
    set({ variables: get().variables.filter((v) => v.id !== id), selected: without(get().selected, gone) })
  },
  async removeMany(ids) {
    const result = await call(api().variables.deleteMany({ ids }))
    const gone = new Set(ids)
    set({
      variables: get().variables.filter((v) => !gone.has(v.id)),
      selected: without(get().selected, gone)
    })
    return result
  },
  setQuery: (query) => set({ query }),
  sortBy: (column) => set({ sort: nextSort(get().sort, column, column === 'name' || column === 'type') }),
  toggle: (id) => set({ selected: toggled(get().selected, id) }),
  setSelected: (ids) => set({ selected: new Set(ids) })
}))

/** The rows to show: filtered by name (case-insensitive), then sorted; ties in name order. */
export function visibleVariables(
  variables: readonly VariableView[],
  query: string,
  sort: VariableSort
): VariableView[] {
  const needle = query.trim().toLowerCase()
  const rows = needle ? variables.filter((v) => v.name.toLowerCase().includes(needle)) : [...variables]
  const sign = sort.direction === 'asc' ? 1 : -1
  const { column } = sort
  if (column === 'name') return sign === 1 ? rows : rows.reverse() // the list is kept in name order
  // A stable sort of the name-ordered list: equal values stay in name order.
  return rows.sort((a, b) => {
    const x = a[column]
    const y = b[column]
    return x === y ? 0 : (x < y ? -1 : 1) * sign
  })
}
