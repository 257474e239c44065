import type { ReactElement, ReactNode } from 'react'
import { formatCount } from '@renderer/lib/format'

/** How many names a confirmation lists before "and N more". */
const SHOWN = 5

/** What a bulk action will act on, in its confirmation: the first few, then how many more. */
export function NameList<T>({
  items,
  itemKey,
  children
}: {
  items: readonly T[]
  itemKey(item: T): string
  children(item: T): ReactNode
}): ReactElement {
  return (
    <ul className="name-list">
      {items.slice(0, SHOWN).map((item) => (
        <li key={itemKey(item)}>{children(item)}</li>
      ))}
      {items.length > SHOWN && <li className="muted">and {formatCount(items.length - SHOWN)} more</li>}
    </ul>
  )
}
