import { useEffect, useState, type ReactElement } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { toast } from '@renderer/app/ui'
import { ConfirmDialog } from '@renderer/components/ConfirmDialog'
import { ErrorBanner } from '@renderer/components/ErrorBanner'
import { Icon } from '@renderer/components/Icon'
import { PageHeader } from '@renderer/components/PageHeader'
import { formatCount } from '@renderer/lib/format'
import { messageOf } from '@renderer/lib/ipc'
import { BackupDialog } from './BackupDialog'
import { RecoveryKeyDialog } from './RecoveryKeyDialog'
import { useVault } from './store'

type Asking = 'recovery' | 'rotate' | null

/** Never losing the vault (recovery key, backup) and replacing its key: `flowkeys recovery-key|backup|rotate-key`. */
export function VaultPage(): ReactElement {
  const { status, error, load, makeRecoveryKey, rotate } = useVault(
    useShallow((s) => ({
      status: s.status,
      error: s.error,
      load: s.load,
      makeRecoveryKey: s.makeRecoveryKey,
      rotate: s.rotate
    }))
  )
  const [asking, setAsking] = useState<Asking>(null)
  const [backingUp, setBackingUp] = useState(false)
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    void load()
  }, [load])

  /** The first key needs no confirmation: there is none to replace. */
  const makeFirstKey = async (): Promise<void> => {
    setBusy(true)
    try {
      setRecoveryKey(await makeRecoveryKey())
    } catch (err) {
      toast(messageOf(err), 'error')
    } finally {
      setBusy(false)
    }
  }

  const confirmRotate = async (): Promise<void> => {
    const done = await rotate()
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
      {error && <ErrorBanner message={error} onRetry={() => void load()} />}
      {status && !hasKey && (
        <div className="banner banner--warning" role="note" data-testid="recovery-banner">
          <Icon name="alert" />
          <span className="banner__text">
            <strong>No recovery key yet.</strong> If the OS keychain loses the vault key, nothing but a backup
            opens your variables again.
          </span>
          <button
            type="button"
            className="button button--small button--primary"
            onClick={() => void makeFirstKey()}
            disabled={busy}
          >
            Show recovery key
          </button>
        </div>
      )}

      <section className="card" aria-labelledby="recovery-title">
        <div className="card__title-row">
          <Icon name="key" />
          <h2 className="card__title" id="recovery-title">
            Recovery key
          </h2>
        </div>
        <p className="muted">
          40 letters and digits, shown once, that bring the vault key back (<code>flowkeys recover</code>) if
          the keychain item is lost. FlowKeys keeps only the vault key sealed to it.
        </p>
        <p data-testid="recovery-state">
          {status === null ? 'Checking…' : hasKey ? 'This vault has a recovery key.' : 'No recovery key yet.'}
        </p>
        {status && hasKey && (
          <div className="card__footer">
            <button type="button" className="button" onClick={() => setAsking('recovery')}>
              <Icon name="refresh" />
              <span>Make a new recovery key…</span>
            </button>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="backup-title">
        <div className="card__title-row">
          <Icon name="file" />
          <h2 className="card__title" id="backup-title">
            Backup
          </h2>
        </div>
        <p className="muted">
          An encrypted file with your users, API keys, variables, settings and the vault key, under a
          passphrase you choose. <code>flowkeys restore</code> brings it back on this or another computer.
        </p>
        <div className="card__footer">
          <button type="button" className="button button--primary" onClick={() => setBackingUp(true)}>
            <Icon name="file" />
            <span>Back up…</span>
          </button>
        </div>
      </section>

      <section className="card" aria-labelledby="rotate-title">
        <div className="card__title-row">
          <Icon name="lock" />
          <h2 className="card__title" id="rotate-title">
            Vault key
          </h2>
        </div>
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
          <button
            type="button"
            className="button"
            onClick={() => setAsking('rotate')}
            disabled={status === null || fromEnvironment}
          >
            <Icon name="refresh" />
            <span>Rotate the vault key…</span>
          </button>
        </div>
      </section>

      {asking === 'recovery' && (
        <ConfirmDialog
          title="Make a new recovery key?"
          confirmLabel="Make new key"
          onConfirm={async () => setRecoveryKey(await makeRecoveryKey())}
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
