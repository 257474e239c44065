import { useEffect, useState, type ReactElement } from 'react'
import type { VariableView } from '@shared/ipc'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { EmptyState } from '../components/EmptyState'
import { ErrorBanner } from '../components/ErrorBanner'
import { Icon } from '../components/Icon'
import { PageHeader } from '../components/PageHeader'
import { useUi } from '../stores/ui'
import { useVariables } from '../stores/variables'
import { VariableDialog } from './VariableDialog'

function MaskedValue({ variable }: { variable: VariableView }): ReactElement {
  const [shown, setShown] = useState(false)
  if (variable.type === 'Credential' || variable.value === null) {
    return (
      <span className="masked" title="Credential values are never shown">
        <Icon name="lock" size={12} />
        <span aria-label="hidden value">••••••••••</span>
      </span>
    )
  }
  return (
    <span className="masked">
      <span className={shown ? 'mono' : undefined}>{shown ? variable.value : '••••••••••'}</span>
      <button
        type="button"
        className="icon-button icon-button--small"
        aria-label={shown ? `Hide the value of ${variable.name}` : `Show the value of ${variable.name}`}
        aria-pressed={shown}
        onClick={() => setShown(!shown)}
      >
        <Icon name={shown ? 'eyeOff' : 'eye'} size={14} />
      </button>
    </span>
  )
}

export function VariablesPage(): ReactElement {
  const { variables, loaded, error, load, remove } = useVariables()
  const toast = useUi((s) => s.toast)
  const go = useUi((s) => s.go)
  const [editing, setEditing] = useState<VariableView | 'new' | null>(null)
  const [deleting, setDeleting] = useState<VariableView | null>(null)

  useEffect(() => {
    void load()
  }, [load])

  const newButton = (
    <button type="button" className="button button--primary" onClick={() => setEditing('new')}>
      <Icon name="plus" />
      <span>New variable</span>
    </button>
  )

  return (
    <section className="page" aria-labelledby="page-title">
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
        <div className="table-card">
          <table className="data-table" aria-label="Global variables">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Value</th>
                <th scope="col">Applies to</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {variables.map((variable) => (
                <tr key={variable.id} data-variable={variable.name}>
                  <td className="mono strong">{variable.name}</td>
                  <td>
                    <span className={`badge badge--${variable.type.toLowerCase()}`}>{variable.type}</span>
                  </td>
                  <td>
                    <MaskedValue variable={variable} />
                  </td>
                  <td>
                    {variable.default_fields.length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      <span className="chips">
                        {variable.default_fields.map((f) => (
                          <span key={f} className="chip">
                            {f}
                          </span>
                        ))}
                      </span>
                    )}
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={`Edit ${variable.name}`}
                      onClick={() => setEditing(variable)}
                    >
                      <Icon name="edit" />
                    </button>
                    <button
                      type="button"
                      className="icon-button icon-button--danger"
                      aria-label={`Delete ${variable.name}`}
                      onClick={() => setDeleting(variable)}
                    >
                      <Icon name="trash" />
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <VariableDialog variable={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />
      )}
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
    </section>
  )
}
