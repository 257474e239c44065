import { useRef, type ReactElement } from 'react'
import type { VariableView } from '@shared/ipc'
import { EmptyState } from '@renderer/components/EmptyState'
import { IconButton } from '@renderer/components/IconButton'
import { SelectAllCheckbox } from '@renderer/components/SelectAllCheckbox'
import { ariaSort, SortButton } from '@renderer/components/SortButton'
import { formatDate, formatDateTime } from '@renderer/lib/format'
import { useVirtualRows } from '@renderer/lib/virtual'
import { MaskedValue } from './MaskedValue'
import { useVariables, type VariableSortColumn } from './store'

const ROW_HEIGHT = 52
const COLUMN_COUNT = 7
const SORTABLE: Record<VariableSortColumn, string> = {
  name: 'Name',
  type: 'Type',
  created_at: 'Created',
  updated_at: 'Updated'
}
/** A date and time in full, for a tooltip (the text itself if it is not one). */
const when = (iso: string): string => formatDateTime(iso, iso)

/** The variables shown (filtered and sorted), virtualised; a row's actions are the page's (edit, delete, reveal). */
export function VariablesTable({
  rows,
  onEdit,
  onDelete,
  onReveal
}: {
  rows: VariableView[]
  onEdit(variable: VariableView): void
  onDelete(variable: VariableView): void
  onReveal(variable: VariableView): void
}): ReactElement {
  const sort = useVariables((s) => s.sort)
  const selected = useVariables((s) => s.selected)
  const scrollRef = useRef<HTMLDivElement>(null)
  // Only the rows in view (plus a few) are in the DOM: 10,000 variables open and scroll like 10.
  const virtualizer = useVirtualRows(rows.length, scrollRef, ROW_HEIGHT)

  if (rows.length === 0) {
    return (
      <EmptyState icon="search" title="No variables match">
        Try another name.
      </EmptyState>
    )
  }

  const items = virtualizer.getVirtualItems()
  const padTop = items[0]?.start ?? 0
  const padBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0)

  const header = (column: VariableSortColumn): ReactElement => (
    <th scope="col" aria-sort={ariaSort(sort, column)}>
      <SortButton sort={sort} column={column} onSort={(id) => useVariables.getState().sortBy(id)}>
        {SORTABLE[column]}
      </SortButton>
    </th>
  )

  return (
    <div className="table-card table-card--virtual">
      <div className="table-card__scroll" ref={scrollRef} data-testid="variables-scroll">
        <table
          className="data-table data-table--variables"
          aria-label="Global variables"
          aria-rowcount={rows.length + 1}
        >
          <colgroup>
            <col className="col-check" />
            <col className="col-name" />
            <col className="col-type" />
            <col className="col-value" />
            <col className="col-date" />
            <col className="col-date" />
            <col className="col-actions" />
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col" className="cell-check">
                <SelectAllCheckbox
                  rows={rows}
                  selected={selected}
                  onSelect={(ids) => useVariables.getState().setSelected(ids)}
                  what="variables"
                />
              </th>
              {header('name')}
              {header('type')}
              <th scope="col">Value</th>
              {header('created_at')}
              {header('updated_at')}
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr aria-hidden="true" className="spacer-row">
                <td colSpan={COLUMN_COUNT} style={{ height: padTop }} />
              </tr>
            )}
            {items.map((item) => {
              const variable = rows[item.index] as VariableView
              const isSelected = selected.has(variable.id)
              return (
                <tr
                  key={variable.id}
                  data-variable={variable.name}
                  aria-rowindex={item.index + 2}
                  aria-selected={isSelected}
                  className={isSelected ? 'row--selected' : undefined}
                >
                  <td className="cell-check">
                    <input
                      type="checkbox"
                      aria-label={`Select ${variable.name}`}
                      checked={isSelected}
                      onChange={() => useVariables.getState().toggle(variable.id)}
                    />
                  </td>
                  <td className="cell-clip" title={variable.name}>
                    <span className="cell-line mono strong">{variable.name}</span>
                    {variable.default_fields.length > 0 && (
                      <span className="table__note" title={variable.default_fields.join(', ')}>
                        Applies to {variable.default_fields.join(', ')}
                      </span>
                    )}
                  </td>
                  <td>
                    <span className={`badge badge--${variable.type.toLowerCase()}`}>{variable.type}</span>
                  </td>
                  <td className="cell-clip">
                    <MaskedValue variable={variable} onReveal={() => onReveal(variable)} />
                  </td>
                  <td className="cell-clip" title={when(variable.created_at)}>
                    <time dateTime={variable.created_at}>{formatDate(variable.created_at)}</time>
                  </td>
                  <td className="cell-clip" title={when(variable.updated_at)}>
                    <time dateTime={variable.updated_at}>{formatDate(variable.updated_at)}</time>
                  </td>
                  <td className="row-actions">
                    <IconButton
                      icon="edit"
                      label={`Edit ${variable.name}`}
                      title="Edit"
                      onClick={() => onEdit(variable)}
                    />
                    <IconButton
                      icon="trash"
                      label={`Delete ${variable.name}`}
                      danger
                      title="Delete"
                      onClick={() => onDelete(variable)}
                    />
                  </td>
                </tr>
              )
            })}
            {padBottom > 0 && (
              <tr aria-hidden="true" className="spacer-row">
                <td colSpan={COLUMN_COUNT} style={{ height: padBottom }} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  )
}
