import { useState, type FormEvent, type ReactElement } from 'react'
import { contract, describeIssues, type ApiKeyView } from '@shared/ipc'
import { shortMask } from '@shared/api-key-display'
import { Dialog } from '../components/Dialog'
import { ErrorBanner } from '../components/ErrorBanner'
import { Field } from '../components/Field'
import { messageOf } from '../lib/ipc'
import { useKeys } from '../stores/keys'
import { useUi } from '../stores/ui'

/** A new name for a key; the key itself (and everything using it) is unchanged. */
export function RenameKeyDialog({ apiKey, onClose }: { apiKey: ApiKeyView; onClose(): void }): ReactElement {
  const rename = useKeys((s) => s.rename)
  const toast = useUi((s) => s.toast)
  const [name, setName] = useState(apiKey.name ?? '')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const unchanged = name.trim() === (apiKey.name ?? '')

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const checked = contract['keys:rename'].request.safeParse({ id: apiKey.id, name })
    if (!checked.success) {
      setError(describeIssues(checked.error).replace(/^name: /, ''))
      return
    }
    setBusy(true)
    setError(null)
    try {
      const renamed = await rename(apiKey.id, name)
      toast(`Renamed to “${renamed.name ?? ''}”.`)
      onClose()
    } catch (err) {
      setError(messageOf(err))
      setBusy(false)
    }
  }

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
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        {error && <ErrorBanner message={error} />}
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
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy || unchanged}>
            {busy ? 'Saving…' : 'Rename'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
