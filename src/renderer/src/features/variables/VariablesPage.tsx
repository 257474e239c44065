import { useEffect, useMemo, useState, type ReactElement } from 'react'
import type { VariableView } from '@shared/ipc'
import { useUi } from '@renderer/app/ui'
import { Button } from '@renderer/components/Button'
import { EmptyState } from '@renderer/components/EmptyState'
import { ListStates } from '@renderer/components/ListStates'
import { ListToolbar } from '@renderer/components/ListToolbar'
import { PageHeader } from '@renderer/components/PageHeader'
import { DeleteVariableDialog, DeleteVariablesDialog } from './DeleteVariablesDialog'
import { RevealVariableDialog } from './RevealVariableDialog'
import { useVariables, visibleVariables } from './store'
import { VariableDialog } from './VariableDialog'
import { VariablesTable } from './VariablesTable'

export function VariablesPage(): ReactElement {
  const variables = useVariables((s) => s.variables)
  const loaded = useVariables((s) => s.loaded)
  const error = useVariables((s) => s.error)
  const query = useVariables((s) => s.query)
  const sort = useVariables((s) => s.sort)
  const selected = useVariables((s) => s.selected.size)
  const [editing, setEditing] = useState<VariableView | 'new' | null>(null)
  const [deleting, setDeleting] = useState<VariableView | null>(null)
  const [revealing, setRevealing] = useState<VariableView | null>(null)
  const [confirmingMany, setConfirmingMany] = useState(false)

  useEffect(() => {
    void useVariables.getState().load()
  }, [])

  const rows = useMemo(() => visibleVariables(variables, query, sort), [variables, query, sort])

  const newButton = (
    <Button variant="primary" icon="plus" onClick={() => setEditing('new')}>
      New variable
    </Button>
  )

  return (
    <section className="page page--fill" aria-labelledby="page-title">
      <PageHeader
        title="Global variables"
        subtitle="Credentials and settings your flows read by name. Values are encrypted on this machine."
        actions={
          <>
            <Button icon="upload" onClick={() => useUi.getState().go('import')}>
              Import .env
            </Button>
            {newButton}
          </>
        }
      />
      <ListStates
        error={error}
        onRetry={() => void useVariables.getState().load()}
        empty={loaded && variables.length === 0}
        emptyState={
          <EmptyState icon="braces" title="No global variables yet" action={newButton}>
            Add an API key as a Credential once, and every flow that names it can use it.
          </EmptyState>
        }
      >
        <ListToolbar
          label="Search and act on variables"
          search={{
            value: query,
            onChange: (text) => useVariables.getState().setQuery(text),
            placeholder: 'Search by name',
            label: 'Search variables by name'
          }}
          count={{ shown: rows.length, total: variables.length, one: 'variable', many: 'variables' }}
          bulk={{ verb: 'Delete', selected, onClick: () => setConfirmingMany(true) }}
        />
        <VariablesTable rows={rows} onEdit={setEditing} onDelete={setDeleting} onReveal={setRevealing} />
      </ListStates>
      {editing && (
        <VariableDialog variable={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />
      )}
      {revealing && <RevealVariableDialog variable={revealing} onClose={() => setRevealing(null)} />}
      {deleting && <DeleteVariableDialog variable={deleting} onClose={() => setDeleting(null)} />}
      {confirmingMany && <DeleteVariablesDialog onClose={() => setConfirmingMany(false)} />}
    </section>
  )
}
