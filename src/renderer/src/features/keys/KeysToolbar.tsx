import type { ReactElement } from 'react'
import type { KeyStatus } from '@shared/api-key-display'
import { ListToolbar } from '@renderer/components/ListToolbar'
import { SORTABLE } from './KeysTable'
import { useKeys, type KeySortColumn } from './store'

/** Filter by name, key prefix and status; sort by any column; revoke the selected keys. */
export function KeysToolbar({ shown, onRevoke }: { shown: number; onRevoke(): void }): ReactElement {
  const total = useKeys((s) => s.keys.length)
  const query = useKeys((s) => s.query)
  const status = useKeys((s) => s.status)
  const selected = useKeys((s) => s.selected.size)
  return (
    <ListToolbar
      label="Filter and act on keys"
      search={{
        value: query,
        onChange: (text) => useKeys.getState().setQuery(text),
        placeholder: 'Filter by name or key prefix',
        label: 'Filter keys by name or key prefix'
      }}
      count={{ shown, total, one: 'key', many: 'keys' }}
      bulk={{ verb: 'Revoke', selected, onClick: onRevoke }}
    >
      <select
        className="input input--compact"
        aria-label="Show keys with status"
        value={status}
        onChange={(e) => useKeys.getState().setStatus(e.target.value as 'all' | KeyStatus)}
      >
        <option value="all">All statuses</option>
        <option value="active">Active</option>
        <option value="expired">Expired</option>
        <option value="inactive">Inactive</option>
      </select>
      <SortSelect />
    </ListToolbar>
  )
}

/** Sorting by any column, also those a narrow window leaves out (the headers sort by the ones shown). */
function SortSelect(): ReactElement {
  const sort = useKeys((s) => s.sort)
  return (
    <select
      className="input input--compact"
      aria-label="Sort keys by"
      value={`${sort.column}:${sort.direction}`}
      onChange={(e) => {
        const [column, direction] = e.target.value.split(':') as [KeySortColumn, 'asc' | 'desc']
        useKeys.getState().setSort({ column, direction })
      }}
    >
      {SORTABLE.flatMap((column) => [
        <option key={`${column.id}:asc`} value={`${column.id}:asc`}>
          {column.label} {column.id === 'name' ? 'A–Z' : '↑'}
        </option>,
        <option key={`${column.id}:desc`} value={`${column.id}:desc`}>
          {column.label} {column.id === 'name' ? 'Z–A' : '↓'}
        </option>
      ])}
    </select>
  )
}
