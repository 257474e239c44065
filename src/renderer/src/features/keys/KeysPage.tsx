import { useEffect, useMemo, useState, type ReactElement } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { shortMask, type KeyStatus } from '@shared/api-key-display'
import { toast } from '@renderer/app/ui'
import { ConfirmDialog } from '@renderer/components/ConfirmDialog'
import { EmptyState } from '@renderer/components/EmptyState'
import { ErrorBanner } from '@renderer/components/ErrorBanner'
import { Icon } from '@renderer/components/Icon'
import { PageHeader } from '@renderer/components/PageHeader'
import { formatCount } from '@renderer/lib/format'
import { useNow } from '@renderer/lib/use-now'
import { CreateKeyDialog } from './CreateKeyDialog'
import { KeysTable, SORTABLE } from './KeysTable'
import { useKeys, visibleKeys, type KeySortColumn } from './store'

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
