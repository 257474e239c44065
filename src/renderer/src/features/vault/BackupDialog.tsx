import { useState, type ReactElement } from 'react'
import type { VaultBackupResult } from '@shared/ipc'
import { Dialog } from '@renderer/components/Dialog'
import { DialogForm } from '@renderer/components/DialogForm'
import { Field } from '@renderer/components/Field'
import { formatCount } from '@renderer/lib/format'
import { useSubmit } from '@renderer/lib/use-submit'
import { useVault } from './store'

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
  const [note, setNote] = useState<string | null>(null)
  const [saved, setSaved] = useState<Saved | null>(null)
  // Live, as the user types the second one: the two differ.
  const differs = again !== '' && again !== passphrase

  const submit = useSubmit(
    async () => {
      const result = await backup(passphrase)
      if (result.cancelled) setNote('Nothing was saved: no file was chosen.')
      else setSaved(result)
    },
    {
      check: () => {
        setNote(null)
        if (passphrase === '') return 'Give a passphrase.'
        if (passphrase !== again) return 'The two passphrases differ.'
      }
    }
  )

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
      <DialogForm
        submit={submit}
        onCancel={onClose}
        icon="file"
        label="Choose where to save…"
        busyLabel="Saving…"
      >
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
      </DialogForm>
    </Dialog>
  )
}
