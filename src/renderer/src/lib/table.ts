// What the tables' stores share: the sort a header click gives, and the selection as rows come and go.

export type SortDirection = 'asc' | 'desc'

/** A header click: the sorted column flips; another column starts ascending when `ascFirst`, else descending. */
export function nextSort<C extends string>(
  sort: { column: C; direction: SortDirection },
  column: C,
  ascFirst: boolean
): { column: C; direction: SortDirection } {
  const direction: SortDirection =
    sort.column === column ? (sort.direction === 'asc' ? 'desc' : 'asc') : ascFirst ? 'asc' : 'desc'
  return { column, direction }
}

/** The selection with `id` added, or removed if it was in. */
export function toggled(selected: ReadonlySet<string>, id: string): ReadonlySet<string> {
  const next = new Set(selected)
  if (next.has(id)) next.delete(id)
  else next.add(id)
  return next
}

/** The selection without the ids no longer listed. */
export function keptIn(selected: ReadonlySet<string>, rows: readonly { id: string }[]): ReadonlySet<string> {
  const ids = new Set(rows.map((row) => row.id))
  return new Set([...selected].filter((id) => ids.has(id)))
}
