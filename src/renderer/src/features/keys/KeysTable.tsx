import { useRef, useState, type ReactElement } from 'react'
import { keyStatus, shortMask, type KeyStatus } from '@shared/api-key-display'
import type { ApiKeyView } from '@shared/ipc'
import { EmptyState } from '@renderer/components/EmptyState'
import { IconButton } from '@renderer/components/IconButton'
import { SelectAllCheckbox } from '@renderer/components/SelectAllCheckbox'
import { ariaSort, SortButton } from '@renderer/components/SortButton'
import {
  formatCount,
  formatDate,
  formatDateTime,
  formatHourMinute,
  formatRelative
} from '@renderer/lib/format'
import { useVirtualRows } from '@renderer/lib/virtual'
import { RenameKeyDialog } from './RenameKeyDialog'
import { useKeys, type KeySortColumn } from './store'

const ROW_HEIGHT = 48
const STATUS_LABEL: Record<KeyStatus, string> = { active: 'Active', expired: 'Expired', inactive: 'Inactive' }

/** `wide`: shown only when the window is wide enough; narrower, its value is in the name's tooltip and the
 * toolbar's "Sort by" still sorts by it, so no action needs a sideways scroll. */
const COLUMNS: {
  id: KeySortColumn | 'key'
  label: string
  sortable: boolean
  numeric?: boolean
  wide?: boolean
}[] = [
  { id: 'name', label: 'Name', sortable: true },
  { id: 'key', label: 'Key', sortable: false, wide: true },
  { id: 'created_at', label: 'Created', sortable: true },
  { id: 'last_used_at', label: 'Last used', sortable: true, wide: true },
  { id: 'total_uses', label: 'Uses', sortable: true, numeric: true, wide: true },
  { id: 'expires_at', label: 'Expires', sortable: true, wide: true },
  { id: 'status', label: 'Status', sortable: true }
]
export const SORTABLE = COLUMNS.filter((c) => c.sortable) as { id: KeySortColumn; label: string }[]

/** Everything about a key in a few lines: the tooltip of its name (and all a narrow window leaves out). */
function keyDetails(key: ApiKeyView, now: number): string {
  return [
    key.name ?? 'Unnamed key',
    `Key: ${shortMask(key.api_key)}`,
    `Created: ${formatDateTime(key.created_at)}`,
    `Last used: ${key.last_used_at ? `${formatRelative(key.last_used_at, now)} (${formatDateTime(key.last_used_at)})` : 'never'}`,
    `Uses: ${formatCount(key.total_uses)}`,
    `Expires: ${key.expires_at ? formatDateTime(key.expires_at) : 'never'}`,
    ...(key.allowed_flows ? [`Runs only: ${key.allowed_flows.join(', ')}`] : [])
  ].join('\n')
}

export function KeysTable({ rows, now }: { rows: ApiKeyView[]; now: number }): ReactElement {
  const sort = useKeys((s) => s.sort)
  const selected = useKeys((s) => s.selected)
  const [renaming, setRenaming] = useState<ApiKeyView | null>(null)
  const scrollRef = useRef<HTMLDivElement>(null)
  // Only the rows in view (plus a few) are in the DOM, so 10,000 keys scroll as smoothly as 10.
  const virtualizer = useVirtualRows(rows.length, scrollRef, ROW_HEIGHT)

  if (rows.length === 0) {
    return (
      <EmptyState icon="search" title="No keys match">
        Try another name, or show all statuses.
      </EmptyState>
    )
  }

  return (
    <div className="table table--keys" role="table" aria-label="API keys" aria-rowcount={rows.length + 1}>
      <div className="table__scroll" ref={scrollRef} data-testid="keys-scroll">
        <div className="table__head" role="rowgroup">
          <div className="table__row table__row--head" role="row" aria-rowindex={1}>
            <div className="table__cell table__cell--check" role="columnheader">
              <SelectAllCheckbox
                rows={rows}
                selected={selected}
                onSelect={(ids) => useKeys.getState().setSelected(ids)}
                what="keys"
              />
            </div>
            {COLUMNS.map((column) => (
              <div
                key={column.id}
                className={`table__cell${column.numeric ? ' table__cell--numeric' : ''}${column.wide ? ' table__cell--wide' : ''}`}
                role="columnheader"
                aria-sort={column.sortable ? ariaSort(sort, column.id) : undefined}
              >
                {column.sortable ? (
                  <SortButton
                    sort={sort}
                    column={column.id as KeySortColumn}
                    onSort={(id) => useKeys.getState().sortBy(id)}
                  >
                    {column.label}
                  </SortButton>
                ) : (
                  column.label
                )}
              </div>
            ))}
            <div className="table__cell table__cell--action" role="columnheader">
              <span className="visually-hidden">Actions</span>
            </div>
          </div>
        </div>
        <div className="table__body" role="rowgroup" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const key = rows[item.index] as ApiKeyView
            const state = keyStatus(key, now)
            const isSelected = selected.has(key.id)
            return (
              <div
                key={key.id}
                className={isSelected ? 'table__row table__row--selected' : 'table__row'}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={isSelected}
                data-key-id={key.id}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                <div className="table__cell table__cell--check" role="cell">
                  <input
                    type="checkbox"
                    aria-label={`Select ${key.name ?? 'unnamed key'}`}
                    checked={isSelected}
                    onChange={() => useKeys.getState().toggle(key.id)}
                  />
                </div>
                <div
                  className="table__cell table__cell--strong table__cell--stack"
                  role="cell"
                  title={keyDetails(key, now)}
                >
                  <span className="table__cell-line">
                    {key.name ?? <span className="muted">Unnamed</span>}
                  </span>
                  {key.allowed_flows && (
                    <span className="table__note" data-testid="key-flows">
                      Runs: {key.allowed_flows.join(', ')}
                    </span>
                  )}
                </div>
                <div className="table__cell table__cell--wide" role="cell">
                  <code className="mono">{shortMask(key.api_key)}</code>
                </div>
                <div
                  className="table__cell table__cell--stack"
                  role="cell"
                  title={formatDateTime(key.created_at)}
                  data-testid="key-created"
                >
                  <span className="table__cell-line">{formatDate(key.created_at)}</span>
                  <span className="table__note">{formatHourMinute(key.created_at)}</span>
                </div>
                <div
                  className="table__cell table__cell--wide"
                  role="cell"
                  title={key.last_used_at ? formatDateTime(key.last_used_at) : undefined}
                >
                  {formatRelative(key.last_used_at, now)}
                </div>
                <div className="table__cell table__cell--numeric table__cell--wide" role="cell">
                  {formatCount(key.total_uses)}
                </div>
                <div
                  className="table__cell table__cell--wide"
                  role="cell"
                  title={key.expires_at ? formatDateTime(key.expires_at) : undefined}
                >
                  {key.expires_at ? formatDate(key.expires_at) : <span className="muted">Never</span>}
                </div>
                <div className="table__cell" role="cell">
                  <span className={`badge badge--${state}`}>{STATUS_LABEL[state]}</span>
                </div>
                <div className="table__cell table__cell--action" role="cell">
                  <IconButton
                    icon="edit"
                    iconSize={16}
                    label={`Rename ${key.name ?? 'unnamed key'}`}
                    title="Rename"
                    onClick={() => setRenaming(key)}
                  />
                </div>
              </div>
            )
          })}
        </div>
      </div>
      {renaming && <RenameKeyDialog apiKey={renaming} onClose={() => setRenaming(null)} />}
    </div>
  )
}
