import { useState, type ReactElement } from 'react'
import type { VaultBackupResult } from '@shared/ipc'
import { Button } from '@renderer/components/Button'
import { Dialog } from '@renderer/components/Dialog'
import { FormDialog } from '@renderer/components/DialogForm'
import { TextField } from '@renderer/components/TextField'
import { formatCountOf } from '@renderer/lib/format'
import { useSubmit } from '@renderer/lib/use-submit'
import { useVault } from './store'

type Saved = Extract<VaultBackupResult, { cancelled: false }>

/**
 * Writes an encrypted backup: a passphrase typed twice, then main's save dialog asks where. The passphrase
 * lives only in this dialog's state; main checks its strength and its answer names the rule it breaks.
 */
export function BackupDialog({ onClose }: { onClose(): void }): ReactElement {
  const [passphrase, setPassphrase] = useState('')
  const [again, setAgain] = useState('')
  const [note, setNote] = useState<string | null>(null)
  const [saved, setSaved] = useState<Saved | null>(null)
  // Live, as the user types the second one: the two differ.
  const differs = again !== '' && again !== passphrase

  const submit = useSubmit(
    async () => {
      const result = await useVault.getState().backup(passphrase)
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
          <Button variant="primary" onClick={onClose} data-autofocus>
            Done
          </Button>
        }
      >
        <div className="reveal" data-testid="backup-summary">
          <div className="secret-box secret-box--plain">
            <code className="secret-box__value" data-testid="backup-file">
              {saved.file}
            </code>
          </div>
          <p>
            It holds {formatCountOf(saved.users, 'user', 'users')},{' '}
            {formatCountOf(saved.api_keys, 'API key', 'API keys')} and{' '}
            {formatCountOf(saved.variables, 'variable', 'variables')}, with the vault key and settings,
            encrypted under your passphrase.
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
    <FormDialog
      title="Back up the vault"
      description="An encrypted file with your users, API keys, variables, settings and the vault key. You choose where to save it next."
      onClose={onClose}
      submit={submit}
      icon="file"
      label="Choose where to save…"
      busyLabel="Saving…"
    >
      <TextField
        label="Passphrase"
        hint="At least a few words that are not a common password. Without it the backup cannot be opened."
        type="password"
        value={passphrase}
        onChange={setPassphrase}
        autoComplete="new-password"
        maxLength={1024}
        data-autofocus
        required
      />
      <TextField
        label="The same passphrase again"
        error={differs && 'The two passphrases differ.'}
        errorTestId="passphrase-differs"
        type="password"
        value={again}
        onChange={setAgain}
        autoComplete="new-password"
        maxLength={1024}
        required
      />
      {note && (
        <p className="hint" role="status">
          {note}
        </p>
      )}
    </FormDialog>
  )
}
