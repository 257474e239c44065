import { useState, type ReactElement } from 'react'
import { shortMask } from '@shared/api-key-display'
import { contract, describeIssues, type ApiKeyView } from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { FormDialog } from '@renderer/components/DialogForm'
import { TextField } from '@renderer/components/TextField'
import { useSubmit } from '@renderer/lib/use-submit'
import { useKeys } from './store'

/** A new name for a key; the key itself (and everything using it) is unchanged. */
export function RenameKeyDialog({ apiKey, onClose }: { apiKey: ApiKeyView; onClose(): void }): ReactElement {
  const [name, setName] = useState(apiKey.name ?? '')
  const unchanged = name.trim() === (apiKey.name ?? '')

  const submit = useSubmit(
    async () => {
      const renamed = await useKeys.getState().rename(apiKey.id, name)
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
    <FormDialog
      title={`Rename ${apiKey.name ?? 'unnamed key'}`}
      description={
        <>
          The key <code>{shortMask(apiKey.api_key)}</code> keeps working: only its name changes.
        </>
      }
      onClose={onClose}
      submit={submit}
      disabled={unchanged}
      label="Rename"
      busyLabel="Saving…"
    >
      <TextField
        label="Name"
        value={name}
        onChange={setName}
        maxLength={100}
        autoComplete="off"
        data-autofocus
        onFocus={(e) => e.currentTarget.select()}
        required
      />
    </FormDialog>
  )
}
