import { useState, type ReactElement } from 'react'
import { shortMask } from '@shared/api-key-display'
import { contract, describeIssues, type ApiKeyView } from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { Dialog } from '@renderer/components/Dialog'
import { DialogForm } from '@renderer/components/DialogForm'
import { Field } from '@renderer/components/Field'
import { useSubmit } from '@renderer/lib/use-submit'
import { useKeys } from './store'

/** A new name for a key; the key itself (and everything using it) is unchanged. */
export function RenameKeyDialog({ apiKey, onClose }: { apiKey: ApiKeyView; onClose(): void }): ReactElement {
  const rename = useKeys((s) => s.rename)
  const [name, setName] = useState(apiKey.name ?? '')
  const unchanged = name.trim() === (apiKey.name ?? '')

  const submit = useSubmit(
    async () => {
      const renamed = await rename(apiKey.id, name)
      toast(`Renamed to “${renamed.name ?? ''}”.`)
      onClose()
    },
    {
      check: () => {
        const checked = contract['keys:rename'].request.safeParse({ id: apiKey.id, name })
        return checked.success ? null : describeIssues(checked.error).replace(/^name: /, '')
      }
    }
  )

  return (
    <Dialog
      title={`Rename ${apiKey.name ?? 'unnamed key'}`}
      description={
        <>
          The key <code>{shortMask(apiKey.api_key)}</code> keeps working: only its name changes.
        </>
      }
      onClose={onClose}
    >
      <DialogForm submit={submit} onCancel={onClose} disabled={unchanged} label="Rename" busyLabel="Saving…">
        <Field label="Name">
          {(control) => (
            <input
              {...control}
              className="input"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={100}
              autoComplete="off"
              data-autofocus
              onFocus={(e) => e.currentTarget.select()}
              required
            />
          )}
        </Field>
      </DialogForm>
    </Dialog>
  )
}
