import { useMemo, type ReactElement } from 'react'
import type { VariableView } from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { ConfirmDialog } from '@renderer/components/ConfirmDialog'
import { NameList } from '@renderer/components/NameList'
import { formatCount } from '@renderer/lib/format'
import { useVariables } from './store'

/** Asks before deleting one variable (its row's delete button). */
export function DeleteVariableDialog({
  variable,
  onClose
}: {
  variable: VariableView
  onClose(): void
}): ReactElement {
  return (
    <ConfirmDialog
      title={`Delete ${variable.name}?`}
      confirmLabel="Delete variable"
      danger
      onClose={onClose}
      onConfirm={async () => {
        await useVariables.getState().remove(variable.id)
        toast(`${variable.name} is deleted.`)
      }}
    >
      <p>Flows that read {variable.name} will fail until you add it again. This cannot be undone.</p>
    </ConfirmDialog>
  )
}

/** Asks before deleting the selected variables (in one write, or none), naming the first few. */
export function DeleteVariablesDialog({ onClose }: { onClose(): void }): ReactElement {
  const variables = useVariables((s) => s.variables)
  const selected = useVariables((s) => s.selected)
  const chosen = useMemo(
    () => (selected.size === 0 ? [] : variables.filter((v) => selected.has(v.id))),
    [variables, selected]
  )
  const one = chosen.length === 1

  const remove = async (): Promise<void> => {
    const { deleted } = await useVariables.getState().removeMany(chosen.map((v) => v.id))
    toast(deleted === 1 ? 'The variable is deleted.' : `${formatCount(deleted)} variables are deleted.`)
  }

  return (
    <ConfirmDialog
      title={
        one
          ? `Delete ${chosen[0]?.name ?? 'this variable'}?`
          : `Delete ${formatCount(chosen.length)} variables?`
      }
      confirmLabel={one ? 'Delete variable' : 'Delete variables'}
      danger
      onConfirm={remove}
      onClose={onClose}
    >
      <p>
        Flows that read {one ? 'it' : 'them'} will fail until you add {one ? 'it' : 'them'} again. This cannot
        be undone.
      </p>
      <NameList items={chosen} itemKey={(v) => v.id}>
        {(v) => <code>{v.name}</code>}
      </NameList>
    </ConfirmDialog>
  )
}
