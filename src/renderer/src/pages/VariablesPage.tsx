import { useEffect, useMemo, useRef, useState, type ReactElement } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { VariableView } from '@shared/ipc'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { EmptyState } from '../components/EmptyState'
import { ErrorBanner } from '../components/ErrorBanner'
import { Icon } from '../components/Icon'
import { PageHeader } from '../components/PageHeader'
import { formatCount, formatDate } from '../lib/format'
import { api, call, messageOf } from '../lib/ipc'
import { useVirtualRows } from '../lib/virtual'
import { useUi } from '../stores/ui'
import { useVariables, visibleVariables, type VariableSortColumn } from '../stores/variables'
import { RevealVariableDialog } from './RevealVariableDialog'
import { VariableDialog } from './VariableDialog'

const ROW_HEIGHT = 52
const COLUMN_COUNT = 7
const SORTABLE: Record<VariableSortColumn, string> = {
  name: 'Name',
  type: 'Type',
  created_at: 'Created',
  updated_at: 'Updated'
}
const fullTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const when = (iso: string): string => {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : fullTime.format(date)
}

/** Copies a Generic value through main's clipboard path, cleared 30 s later if it is still there. */
function CopyValueButton({ variable, value }: { variable: VariableView; value: string }): ReactElement {
  const toast = useUi((s) => s.toast)
  const copy = async (): Promise<void> => {
    try {
      const { clearsInSeconds } = await call(api().clipboard.copy({ text: value, secret: true }))
      toast(
        clearsInSeconds
          ? `Copied. The clipboard is cleared in ${clearsInSeconds} s.`
          : 'Copied to the clipboard.'
      )
    } catch (error) {
      toast(messageOf(error), 'error')
    }
  }
  return (
    <button
      type="button"
      className="icon-button icon-button--small"
      aria-label={`Copy the value of ${variable.name}`}
      title="Copy"
      onClick={() => void copy()}
    >
      <Icon name="copy" size={14} />
    </button>
  )
}

function MaskedValue({ variable, onReveal }: { variable: VariableView; onReveal(): void }): ReactElement {
  const [shown, setShown] = useState(false)
  if (variable.type === 'Credential' || variable.value === null) {
    return (
      <span className="masked">
        <Icon name="lock" size={12} />
        <span aria-label="hidden value" title="A Credential: shown only after your password">
          ••••••
        </span>
        {variable.type === 'Credential' && (
          <button
            type="button"
            className="icon-button icon-button--small"
            aria-label={`Reveal the value of ${variable.name}`}
            title="Reveal (asks for your password)"
            onClick={onReveal}
          >
            <Icon name="eye" size={14} />
          </button>
        )}
      </span>
    )
  }
  return (
    <span className="masked">
      <span
        className={shown ? 'mono masked__value' : 'masked__value'}
        title={shown ? variable.value : undefined}
      >
        {shown ? variable.value : '••••••'}
      </span>
      <button
        type="button"
        className="icon-button icon-button--small"
        aria-label={shown ? `Hide the value of ${variable.name}` : `Show the value of ${variable.name}`}
        aria-pressed={shown}
        onClick={() => setShown(!shown)}
      >
        <Icon name={shown ? 'eyeOff' : 'eye'} size={14} />
      </button>
      <CopyValueButton variable={variable} value={variable.value} />
    </span>
  )
}

export function VariablesPage(): ReactElement {
  const { variables, loaded, error, query, sort, selected } = useVariables(
    useShallow((s) => ({
      variables: s.variables,
      loaded: s.loaded,
      error: s.error,
      query: s.query,
      sort: s.sort,
      selected: s.selected
    }))
  )
  const { load, remove, removeMany, setQuery } = useVariables(
    useShallow((s) => ({ load: s.load, remove: s.remove, removeMany: s.removeMany, setQuery: s.setQuery }))
  )
  const toast = useUi((s) => s.toast)
  const go = useUi((s) => s.go)
  const [editing, setEditing] = useState<VariableView | 'new' | null>(null)
  const [deleting, setDeleting] = useState<VariableView | null>(null)
  const [revealing, setRevealing] = useState<VariableView | null>(null)
  const [confirmingMany, setConfirmingMany] = useState(false)

  useEffect(() => {
    void load()
  }, [load])

  const rows = useMemo(() => visibleVariables(variables, query, sort), [variables, query, sort])
  const selectedVariables = useMemo(
    () => (selected.size === 0 ? [] : variables.filter((v) => selected.has(v.id))),
    [variables, selected]
  )

  const newButton = (
    <button type="button" className="button button--primary" onClick={() => setEditing('new')}>
      <Icon name="plus" />
      <span>New variable</span>
    </button>
  )

  const confirmDeleteMany = async (): Promise<void> => {
    const { deleted } = await removeMany(selectedVariables.map((v) => v.id))
    toast(deleted === 1 ? 'The variable is deleted.' : `${formatCount(deleted)} variables are deleted.`)
  }

  return (
    <section className="page page--fill" aria-labelledby="page-title">
      <PageHeader
        title="Global variables"
        subtitle="Credentials and settings your flows read by name. Values are encrypted on this machine."
        actions={
          <>
            <button type="button" className="button" onClick={() => go('import')}>
              <Icon name="upload" />
              <span>Import .env</span>
            </button>
            {newButton}
          </>
        }
      />
      {error && <ErrorBanner message={error} onRetry={() => void load()} />}
      {loaded && variables.length === 0 && !error ? (
        <EmptyState icon="braces" title="No global variables yet" action={newButton}>
          Add an API key as a Credential once, and every flow that names it can use it.
        </EmptyState>
      ) : (
        <>
          <div className="toolbar" role="toolbar" aria-label="Search and act on variables">
            <label className="search">
              <Icon name="search" />
              <input
                className="search__input"
                type="search"
                placeholder="Search by name"
                aria-label="Search variables by name"
                value={query}
                onChange={(e) => setQuery(e.target.value)}
              />
            </label>
            <span className="toolbar__count" aria-live="polite">
              {rows.length === variables.length
                ? `${formatCount(variables.length)} ${variables.length === 1 ? 'variable' : 'variables'}`
                : `${formatCount(rows.length)} of ${formatCount(variables.length)}`}
            </span>
            <span className="toolbar__spacer" />
            <button
              type="button"
              className="button button--danger-outline"
              disabled={selected.size === 0}
              onClick={() => setConfirmingMany(true)}
            >
              <Icon name="trash" />
              <span>{selected.size > 0 ? `Delete ${formatCount(selected.size)}` : 'Delete'}</span>
            </button>
          </div>
          <VariablesTable rows={rows} onEdit={setEditing} onDelete={setDeleting} onReveal={setRevealing} />
        </>
      )}
      {editing && (
        <VariableDialog variable={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />
      )}
      {revealing && <RevealVariableDialog variable={revealing} onClose={() => setRevealing(null)} />}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete variable"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await remove(deleting.id)
            toast(`${deleting.name} is deleted.`)
          }}
        >
          <p>Flows that read {deleting.name} will fail until you add it again. This cannot be undone.</p>
        </ConfirmDialog>
      )}
      {confirmingMany && (
        <ConfirmDialog
          title={
            selectedVariables.length === 1
              ? `Delete ${selectedVariables[0]?.name ?? 'this variable'}?`
              : `Delete ${formatCount(selectedVariables.length)} variables?`
          }
          confirmLabel={selectedVariables.length === 1 ? 'Delete variable' : 'Delete variables'}
          danger
          onConfirm={confirmDeleteMany}
          onClose={() => setConfirmingMany(false)}
        >
          <p>
            Flows that read {selectedVariables.length === 1 ? 'it' : 'them'} will fail until you add{' '}
            {selectedVariables.length === 1 ? 'it' : 'them'} again. This cannot be undone.
          </p>
          <ul className="name-list">
            {selectedVariables.slice(0, 5).map((v) => (
              <li key={v.id}>
                <code>{v.name}</code>
              </li>
            ))}
            {selectedVariables.length > 5 && (
              <li className="muted">and {formatCount(selectedVariables.length - 5)} more</li>
            )}
          </ul>
        </ConfirmDialog>
      )}
    </section>
  )
}

function VariablesTable({
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
  const { sort, selected, sortBy, toggle, setSelected } = useVariables(
    useShallow((s) => ({
      sort: s.sort,
      selected: s.selected,
      sortBy: s.sortBy,
      toggle: s.toggle,
      setSelected: s.setSelected
    }))
  )
  const scrollRef = useRef<HTMLDivElement>(null)
  const selectAllRef = useRef<HTMLInputElement>(null)
  // Only the rows in view (plus a few) are in the DOM: 10,000 variables open and scroll like 10.
  const virtualizer = useVirtualRows(rows.length, scrollRef, ROW_HEIGHT)

  const visibleSelected = useMemo(() => rows.filter((r) => selected.has(r.id)).length, [rows, selected])
  const allSelected = rows.length > 0 && visibleSelected === rows.length
  useEffect(() => {
    if (selectAllRef.current) selectAllRef.current.indeterminate = visibleSelected > 0 && !allSelected
  }, [visibleSelected, allSelected])

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

  const header = (column: VariableSortColumn, className?: string): ReactElement => {
    const active = sort.column === column
    return (
      <th
        scope="col"
        className={className}
        aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
      >
        <button
          type="button"
          className={active ? 'sort sort--active' : 'sort'}
          onClick={() => sortBy(column)}
        >
          {SORTABLE[column]}
          <Icon name={active && sort.direction === 'asc' ? 'chevronUp' : 'chevronDown'} size={14} />
        </button>
      </th>
    )
  }

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
                <input
                  ref={selectAllRef}
                  type="checkbox"
                  aria-label={allSelected ? 'Clear the selection' : 'Select all shown variables'}
                  checked={allSelected}
                  onChange={() => setSelected(allSelected ? [] : rows.map((r) => r.id))}
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
                      onChange={() => toggle(variable.id)}
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
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={`Edit ${variable.name}`}
                      title="Edit"
                      onClick={() => onEdit(variable)}
                    >
                      <Icon name="edit" />
                    </button>
                    <button
                      type="button"
                      className="icon-button icon-button--danger"
                      aria-label={`Delete ${variable.name}`}
                      title="Delete"
                      onClick={() => onDelete(variable)}
                    >
                      <Icon name="trash" />
                    </button>
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
