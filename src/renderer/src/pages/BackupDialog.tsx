import { useState, type FormEvent, type ReactElement } from 'react'
import type { VaultBackupResult } from '@shared/ipc'
import { Dialog } from '../components/Dialog'
import { ErrorBanner } from '../components/ErrorBanner'
import { Field } from '../components/Field'
import { Icon } from '../components/Icon'
import { formatCount } from '../lib/format'
import { messageOf } from '../lib/ipc'
import { useVault } from '../stores/vault'

type Saved = Extract<VaultBackupResult, { cancelled: false }>

const plural = (n: number, one: string, many: string): string => `${formatCount(n)} ${n === 1 ? one : many}`

/**
 * Writes an encrypted backup: a passphrase typed twice, then main's save dialog asks where. The passphrase
 * lives only in this dialog's state; main checks its strength and its answer names the rule it breaks.
 */
export function BackupDialog({ onClose }: { onClose(): void }): ReactElement {
  const backup = useVault((s) => s.backup)
  const [passphrase, setPassphrase] = useState('')
  const [again, setAgain] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [note, setNote] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState<Saved | null>(null)
  // Live, as the user types the second one: the two differ.
  const differs = again !== '' && again !== passphrase

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setNote(null)
    if (passphrase === '') return setError('Give a passphrase.')
    if (passphrase !== again) return setError('The two passphrases differ.')
    setBusy(true)
    setError(null)
    try {
      const result = await backup(passphrase)
      if (result.cancelled) setNote('Nothing was saved: no file was chosen.')
      else setSaved(result)
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  if (saved) {
    return (
      <Dialog
        title="Backup saved"
        onClose={onClose}
        footer={
          <button type="button" className="button button--primary" onClick={onClose} data-autofocus>
            Done
          </button>
        }
      >
        <div className="reveal" data-testid="backup-summary">
          <div className="secret-box secret-box--plain">
            <code className="secret-box__value" data-testid="backup-file">
              {saved.file}
            </code>
          </div>
          <p>
            It holds {plural(saved.users, 'user', 'users')}, {plural(saved.api_keys, 'API key', 'API keys')}{' '}
            and {plural(saved.variables, 'variable', 'variables')}, with the vault key and settings, encrypted
            under your passphrase.
          </p>
          <p className="hint">
            Keep the passphrase apart from the file: either alone opens nothing. <code>flowkeys restore</code>{' '}
            brings it back.
          </p>
        </div>
      </Dialog>
    )
  }

  return (
    <Dialog
      title="Back up the vault"
      description="An encrypted file with your users, API keys, variables, settings and the vault key. You choose where to save it next."
      onClose={onClose}
    >
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        {error && <ErrorBanner message={error} />}
        <Field
          label="Passphrase"
          hint="At least a few words that are not a common password. Without it the backup cannot be opened."
        >
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              autoComplete="new-password"
              maxLength={1024}
              data-autofocus
              required
            />
          )}
        </Field>
        <Field
          label="The same passphrase again"
          hint={
            differs ? (
              <span className="error-text" data-testid="passphrase-differs">
                The two passphrases differ.
              </span>
            ) : undefined
          }
        >
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              value={again}
              onChange={(e) => setAgain(e.target.value)}
              autoComplete="new-password"
              maxLength={1024}
              aria-invalid={differs}
              required
            />
          )}
        </Field>
        {note && (
          <p className="hint" role="status">
            {note}
          </p>
        )}
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            <Icon name="file" />
            <span>{busy ? 'Saving…' : 'Choose where to save…'}</span>
          </button>
        </div>
      </form>
    </Dialog>
  )
}
