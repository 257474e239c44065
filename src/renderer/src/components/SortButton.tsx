import type { ReactElement, ReactNode } from 'react'
import type { SortDirection } from '@renderer/lib/table'
import { Icon } from './Icon'

interface Sort<C extends string> {
  column: C
  direction: SortDirection
}

/** A column header's aria-sort: how the rows are sorted by it, if they are. */
export function ariaSort(sort: Sort<string>, column: string): 'ascending' | 'descending' | 'none' {
  if (sort.column !== column) return 'none'
  return sort.direction === 'asc' ? 'ascending' : 'descending'
}

/** A sortable column's header button: a click sorts by it, again the other way; the chevron tells which. */
export function SortButton<C extends string>({
  sort,
  column,
  onSort,
  children
}: {
  sort: Sort<C>
  column: C
  onSort(column: C): void
  children: ReactNode
}): ReactElement {
  const active = sort.column === column
  return (
    <button type="button" className={active ? 'sort sort--active' : 'sort'} onClick={() => onSort(column)}>
      {children}
      <Icon name={active && sort.direction === 'asc' ? 'chevronUp' : 'chevronDown'} size={14} />
    </button>
  )
}
