import { useEffect, useMemo, useRef, useState, type ReactElement } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { ApiKeyView } from '@shared/ipc'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { EmptyState } from '../components/EmptyState'
import { ErrorBanner } from '../components/ErrorBanner'
import { Icon } from '../components/Icon'
import { PageHeader } from '../components/PageHeader'
import { keyStatus, shortMask, type KeyStatus } from '@shared/api-key-display'
import { formatCount, formatDate, formatDateTime, formatHourMinute, formatRelative } from '../lib/format'
import { useVirtualRows } from '../lib/virtual'
import { useKeys, visibleKeys, type KeySortColumn } from '../stores/keys'
import { useUi } from '../stores/ui'
import { CreateKeyDialog } from './CreateKeyDialog'
import { RenameKeyDialog } from './RenameKeyDialog'

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
const SORTABLE = COLUMNS.filter((c) => c.sortable) as { id: KeySortColumn; label: string }[]

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

/** Re-renders every minute so "3 minutes ago" and expiries stay true. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000)
    return () => clearInterval(timer)
  }, [])
  return now
}

export function KeysPage(): ReactElement {
  const { keys, loaded, error, query, status, sort, selected } = useKeys(
    useShallow((s) => ({
      keys: s.keys,
      loaded: s.loaded,
      error: s.error,
      query: s.query,
      status: s.status,
      sort: s.sort,
      selected: s.selected
    }))
  )
  const { load, setQuery, setStatus, revoke } = useKeys(
    useShallow((s) => ({ load: s.load, setQuery: s.setQuery, setStatus: s.setStatus, revoke: s.revoke }))
  )
  const toast = useUi((s) => s.toast)
  const [creating, setCreating] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const now = useNow()

  useEffect(() => {
    void load()
  }, [load])

  const rows = useMemo(() => visibleKeys(keys, query, status, sort, now), [keys, query, status, sort, now])
  const selectedKeys = keys.filter((k) => selected.has(k.id))

  const confirmRevoke = async (): Promise<void> => {
    const result = await revoke(selectedKeys.map((k) => k.id))
    const n = result.revoked.length
    toast(n === 1 ? 'The key is revoked.' : `${formatCount(n)} keys are revoked.`)
  }

  return (
    <section className="page page--fill" aria-labelledby="page-title">
      <PageHeader
        title="API keys"
        subtitle="Keys that let flows and scripts call the key server. Only a fingerprint of each key is stored."
        actions={
          <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
            <Icon name="plus" />
            <span>Create key</span>
          </button>
        }
      />
      {error && <ErrorBanner message={error} onRetry={() => void load()} />}

      {loaded && keys.length === 0 && !error ? (
        <EmptyState
          icon="key"
          title="No API keys yet"
          action={
            <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
              <Icon name="plus" />
              <span>Create your first key</span>
            </button>
          }
        >
          Create a key for each app or flow that calls FlowKeys, so you can revoke one without touching the
          others.
        </EmptyState>
      ) : (
        <>
          <div className="toolbar" role="toolbar" aria-label="Filter and act on keys">
            <label className="search">
              <Icon name="search" />
              <input
                className="search__input"
                type="search"
                placeholder="Filter by name or key prefix"
                aria-label="Filter keys by name or key prefix"
                value={query}
                onChange={(e) => setQuery(e.target.value)}
              />
            </label>
            <select
              className="input input--compact"
              aria-label="Show keys with status"
              value={status}
              onChange={(e) => setStatus(e.target.value as 'all' | KeyStatus)}
            >
              <option value="all">All statuses</option>
              <option value="active">Active</option>
              <option value="expired">Expired</option>
              <option value="inactive">Inactive</option>
            </select>
            <SortSelect />
            <span className="toolbar__count" aria-live="polite">
              {rows.length === keys.length
                ? `${formatCount(keys.length)} ${keys.length === 1 ? 'key' : 'keys'}`
                : `${formatCount(rows.length)} of ${formatCount(keys.length)}`}
            </span>
            <span className="toolbar__spacer" />
            <button
              type="button"
              className="button button--danger-outline"
              disabled={selected.size === 0}
              onClick={() => setConfirming(true)}
            >
              <Icon name="trash" />
              <span>{selected.size > 0 ? `Revoke ${formatCount(selected.size)}` : 'Revoke'}</span>
            </button>
          </div>
          <KeysTable rows={rows} now={now} />
        </>
      )}

      {creating && <CreateKeyDialog onClose={() => setCreating(false)} />}
      {confirming && (
        <ConfirmDialog
          title={
            selectedKeys.length === 1
              ? 'Revoke this API key?'
              : `Revoke ${formatCount(selectedKeys.length)} API keys?`
          }
          confirmLabel={selectedKeys.length === 1 ? 'Revoke key' : 'Revoke keys'}
          danger
          onConfirm={confirmRevoke}
          onClose={() => setConfirming(false)}
        >
          <p>
            Anything using {selectedKeys.length === 1 ? 'it' : 'them'} is refused at once. This cannot be
            undone.
          </p>
          <ul className="name-list">
            {selectedKeys.slice(0, 5).map((k) => (
              <li key={k.id}>
                <strong>{k.name ?? 'Unnamed key'}</strong>{' '}
                <code className="muted">{shortMask(k.api_key)}</code>
              </li>
            ))}
            {selectedKeys.length > 5 && (
              <li className="muted">and {formatCount(selectedKeys.length - 5)} more</li>
            )}
          </ul>
        </ConfirmDialog>
      )}
    </section>
  )
}

function KeysTable({ rows, now }: { rows: ApiKeyView[]; now: number }): ReactElement {
  const { sort, selected, sortBy, toggle, setSelected } = useKeys(
    useShallow((s) => ({
      sort: s.sort,
      selected: s.selected,
      sortBy: s.sortBy,
      toggle: s.toggle,
      setSelected: s.setSelected
    }))
  )
  const [renaming, setRenaming] = useState<ApiKeyView | null>(null)
  const scrollRef = useRef<HTMLDivElement>(null)
  const selectAllRef = useRef<HTMLInputElement>(null)
  // Only the rows in view (plus a few) are in the DOM, so 10,000 keys scroll as smoothly as 10.
  const virtualizer = useVirtualRows(rows.length, scrollRef, ROW_HEIGHT)

  const visibleSelected = rows.filter((r) => selected.has(r.id)).length
  const allSelected = rows.length > 0 && visibleSelected === rows.length
  useEffect(() => {
    if (selectAllRef.current) selectAllRef.current.indeterminate = visibleSelected > 0 && !allSelected
  }, [visibleSelected, allSelected])

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
              <input
                ref={selectAllRef}
                type="checkbox"
                aria-label={allSelected ? 'Clear the selection' : 'Select all shown keys'}
                checked={allSelected}
                onChange={() => setSelected(allSelected ? [] : rows.map((r) => r.id))}
              />
            </div>
            {COLUMNS.map((column) => {
              const active = sort.column === column.id
              const ariaSort = active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'
              return (
                <div
                  key={column.id}
                  className={`table__cell${column.numeric ? ' table__cell--numeric' : ''}${column.wide ? ' table__cell--wide' : ''}`}
                  role="columnheader"
                  aria-sort={column.sortable ? ariaSort : undefined}
                >
                  {column.sortable ? (
                    <button
                      type="button"
                      className={active ? 'sort sort--active' : 'sort'}
                      onClick={() => sortBy(column.id as KeySortColumn)}
                    >
                      {column.label}
                      <Icon
                        name={active && sort.direction === 'asc' ? 'chevronUp' : 'chevronDown'}
                        size={14}
                      />
                    </button>
                  ) : (
                    column.label
                  )}
                </div>
              )
            })}
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
                    onChange={() => toggle(key.id)}
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
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Rename ${key.name ?? 'unnamed key'}`}
                    title="Rename"
                    onClick={() => setRenaming(key)}
                  >
                    <Icon name="edit" size={16} />
                  </button>
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

/** Sorting by any column, also those a narrow window leaves out (the headers sort by the ones shown). */
function SortSelect(): ReactElement {
  const { sort, setSort } = useKeys(useShallow((s) => ({ sort: s.sort, setSort: s.setSort })))
  return (
    <select
      className="input input--compact"
      aria-label="Sort keys by"
      value={`${sort.column}:${sort.direction}`}
      onChange={(e) => {
        const [column, direction] = e.target.value.split(':') as [KeySortColumn, 'asc' | 'desc']
        setSort({ column, direction })
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
