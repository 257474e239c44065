import { useEffect, useMemo, useState, type ReactElement } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { VariableView } from '@shared/ipc'
import { toast, useUi } from '@renderer/app/ui'
import { ConfirmDialog } from '@renderer/components/ConfirmDialog'
import { EmptyState } from '@renderer/components/EmptyState'
import { ErrorBanner } from '@renderer/components/ErrorBanner'
import { Icon } from '@renderer/components/Icon'
import { PageHeader } from '@renderer/components/PageHeader'
import { formatCount } from '@renderer/lib/format'
import { RevealVariableDialog } from './RevealVariableDialog'
import { useVariables, visibleVariables } from './store'
import { VariableDialog } from './VariableDialog'
import { VariablesTable } from './VariablesTable'

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
            <button type="button" className="button" onClick={() => useUi.getState().go('import')}>
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
