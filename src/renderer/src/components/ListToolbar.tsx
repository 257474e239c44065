import type { ReactElement, ReactNode } from 'react'
import { formatCount, formatCountOf } from '@renderer/lib/format'
import { Button } from './Button'
import { Icon } from './Icon'

interface ListToolbarProps {
  /** The toolbar's name ("Filter and act on keys"). */
  label: string
  search: {
    value: string
    onChange(value: string): void
    placeholder: string
    /** The search field's name ("Filter keys by name or key prefix"). */
    label: string
  }
  /** How many rows show of how many there are, and what a row is ("key", "keys"). */
  count: { shown: number; total: number; one: string; many: string }
  /** The action on the selected rows ("Revoke", "Delete"): disabled until a row is selected. */
  bulk: { verb: string; selected: number; onClick(): void }
  /** Filters and sorts, between the search and the count. */
  children?: ReactNode
}

/** Above a long list (API keys, global variables): search, filters, how many show, and the bulk action. */
export function ListToolbar({ label, search, count, bulk, children }: ListToolbarProps): ReactElement {
  return (
    <div className="toolbar" role="toolbar" aria-label={label}>
      <label className="search">
        <Icon name="search" />
        <input
          className="search__input"
          type="search"
          placeholder={search.placeholder}
          aria-label={search.label}
          value={search.value}
          onChange={(e) => search.onChange(e.target.value)}
        />
      </label>
      {children}
      <span className="toolbar__count" aria-live="polite">
        {count.shown === count.total
          ? formatCountOf(count.total, count.one, count.many)
          : `${formatCount(count.shown)} of ${formatCount(count.total)}`}
      </span>
      <span className="toolbar__spacer" />
      <Button variant="danger-outline" icon="trash" disabled={bulk.selected === 0} onClick={bulk.onClick}>
        {bulk.selected > 0 ? `${bulk.verb} ${formatCount(bulk.selected)}` : bulk.verb}
      </Button>
    </div>
  )
}
