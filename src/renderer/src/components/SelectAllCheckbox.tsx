import { useEffect, useMemo, useRef, type ReactElement } from 'react'

/**
 * A table's select-all box, over the rows shown: ticked when all of them are selected, half-ticked when some
 * are; a click selects them all, or clears the selection.
 */
export function SelectAllCheckbox({
  rows,
  selected,
  onSelect,
  what
}: {
  rows: readonly { id: string }[]
  selected: ReadonlySet<string>
  onSelect(ids: string[]): void
  /** The rows, for its name ("Select all shown keys"). */
  what: string
}): ReactElement {
  const ref = useRef<HTMLInputElement>(null)
  const shownSelected = useMemo(() => rows.filter((r) => selected.has(r.id)).length, [rows, selected])
  const allSelected = rows.length > 0 && shownSelected === rows.length
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = shownSelected > 0 && !allSelected
  }, [shownSelected, allSelected])
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label={allSelected ? 'Clear the selection' : `Select all shown ${what}`}
      checked={allSelected}
      onChange={() => onSelect(allSelected ? [] : rows.map((r) => r.id))}
    />
  )
}
