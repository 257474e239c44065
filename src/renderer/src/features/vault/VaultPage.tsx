import { useEffect, useState, type ReactElement } from 'react'
import { toast } from '@renderer/app/ui'
import { Banner, ErrorBanner } from '@renderer/components/Banner'
import { Button } from '@renderer/components/Button'
import { Card } from '@renderer/components/Card'
import { ConfirmDialog } from '@renderer/components/ConfirmDialog'
import { PageHeader } from '@renderer/components/PageHeader'
import { formatCount } from '@renderer/lib/format'
import { messageOf } from '@renderer/lib/ipc'
import { BackupDialog } from './BackupDialog'
import { RecoveryKeyDialog } from './RecoveryKeyDialog'
import { useVault } from './store'

type Asking = 'recovery' | 'rotate' | null

/** Never losing the vault (recovery key, backup) and replacing its key: `flowkeys recovery-key|backup|rotate-key`. */
export function VaultPage(): ReactElement {
  const status = useVault((s) => s.status)
  const error = useVault((s) => s.error)
  const [asking, setAsking] = useState<Asking>(null)
  const [backingUp, setBackingUp] = useState(false)
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    void useVault.getState().load()
  }, [])

  /** The first key needs no confirmation: there is none to replace. */
  const makeFirstKey = async (): Promise<void> => {
    setBusy(true)
    try {
      setRecoveryKey(await useVault.getState().makeRecoveryKey())
    } catch (err) {
      toast(messageOf(err), 'error')
    } finally {
      setBusy(false)
    }
  }

  const confirmRotate = async (): Promise<void> => {
    const done = await useVault.getState().rotate()
    toast(
      `Sealed ${formatCount(done.variables)} variables and ${formatCount(done.store_keys)} store keys under a new vault key.`
    )
  }

  const hasKey = status?.has_recovery_key ?? false
  const fromEnvironment = status?.key_source === 'environment'

  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader
        title="Vault"
        subtitle="The vault key seals your variables and API key fingerprints. Keep a way back to it, and replace it when you need to."
      />
      {error && <ErrorBanner message={error} onRetry={() => void useVault.getState().load()} />}
      {status && !hasKey && (
        <Banner
          tone="warning"
          icon="alert"
          testId="recovery-banner"
          action={
            <Button variant="primary" small onClick={() => void makeFirstKey()} disabled={busy}>
              Show recovery key
            </Button>
          }
        >
          <strong>No recovery key yet.</strong> If the OS keychain loses the vault key, nothing but a backup
          opens your variables again.
        </Banner>
      )}

      <Card id="recovery-title" icon="key" title="Recovery key">
        <p className="muted">
          40 letters and digits, shown once, that bring the vault key back (<code>flowkeys recover</code>) if
          the keychain item is lost. FlowKeys keeps only the vault key sealed to it.
        </p>
        <p data-testid="recovery-state">
          {status === null ? 'Checking…' : hasKey ? 'This vault has a recovery key.' : 'No recovery key yet.'}
        </p>
        {status && hasKey && (
          <div className="card__footer">
            <Button icon="refresh" onClick={() => setAsking('recovery')}>
              Make a new recovery key…
            </Button>
          </div>
        )}
      </Card>

      <Card id="backup-title" icon="file" title="Backup">
        <p className="muted">
          An encrypted file with your users, API keys, variables, settings and the vault key, under a
          passphrase you choose. <code>flowkeys restore</code> brings it back on this or another computer.
        </p>
        <div className="card__footer">
          <Button variant="primary" icon="file" onClick={() => setBackingUp(true)}>
            Back up…
          </Button>
        </div>
      </Card>

      <Card id="rotate-title" icon="lock" title="Vault key">
        <p data-testid="vault-key-source">
          {status === null
            ? 'Checking…'
            : fromEnvironment
              ? 'Read from the environment (FLOWKEYS_SECRET_KEY or FLOWKEYS_SECRET_KEY_FILE).'
              : 'Kept in the OS keychain.'}
        </p>
        <p className="muted">
          {fromEnvironment
            ? 'A key from the environment is replaced with flowkeys rotate-key --new-key-file FILE, then set on every server.'
            : 'Rotating seals every value again under a new key, for example after the old one may have leaked.'}
        </p>
        <div className="card__footer">
          <Button
            icon="refresh"
            onClick={() => setAsking('rotate')}
            disabled={status === null || fromEnvironment}
          >
            Rotate the vault key…
          </Button>
        </div>
      </Card>

      {asking === 'recovery' && (
        <ConfirmDialog
          title="Make a new recovery key?"
          confirmLabel="Make new key"
          onConfirm={async () => setRecoveryKey(await useVault.getState().makeRecoveryKey())}
          onClose={() => setAsking(null)}
        >
          <p>
            The previous recovery key stops working at once: only the new one, shown once next, opens this
            vault.
          </p>
        </ConfirmDialog>
      )}
      {asking === 'rotate' && (
        <ConfirmDialog
          title="Rotate the vault key?"
          confirmLabel="Rotate key"
          onConfirm={confirmRotate}
          onClose={() => setAsking(null)}
        >
          <p>
            Every value is sealed again under a new vault key, in one change. API keys keep working; every
            session ends, so Langflow's clients log in again. Your recovery key keeps working.
          </p>
        </ConfirmDialog>
      )}
      {backingUp && <BackupDialog onClose={() => setBackingUp(false)} />}
      {/* Once the confirmation has closed, so its focus return cannot land behind this one. */}
      {recoveryKey && asking === null && (
        <RecoveryKeyDialog recoveryKey={recoveryKey} onClose={() => setRecoveryKey(null)} />
      )}
    </section>
  )
}
