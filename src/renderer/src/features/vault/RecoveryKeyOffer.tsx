import { useEffect, useState, type ReactElement } from 'react'
import { Dialog } from '@renderer/components/Dialog'
import { ErrorBanner } from '@renderer/components/ErrorBanner'
import { messageOf } from '@renderer/lib/ipc'
import { RecoveryKeyDialog } from './RecoveryKeyDialog'
import { useVault } from './store'

/**
 * The first-start offer: when the store has no recovery key, asks once per app run whether to show one now.
 * Later leaves a banner on the Vault page.
 */
export function RecoveryKeyOffer(): ReactElement | null {
  const offering = useVault((s) => s.offering)
  const offerAtStart = useVault((s) => s.offerAtStart)
  const dismiss = useVault((s) => s.dismissOffer)
  const makeRecoveryKey = useVault((s) => s.makeRecoveryKey)
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    void offerAtStart()
  }, [offerAtStart])

  const show = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      setRecoveryKey(await makeRecoveryKey())
      dismiss()
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  if (recoveryKey) return <RecoveryKeyDialog recoveryKey={recoveryKey} onClose={() => setRecoveryKey(null)} />
  if (!offering) return null
  return (
    <Dialog
      title="Save your recovery key"
      onClose={dismiss}
      footer={
        <>
          <button type="button" className="button" onClick={dismiss}>
            Later
          </button>
          <button
            type="button"
            className="button button--primary"
            onClick={() => void show()}
            disabled={busy}
            data-autofocus
          >
            {busy ? 'Making it…' : 'Show recovery key'}
          </button>
        </>
      }
    >
      <div className="stack">
        {error && <ErrorBanner message={error} />}
        <p>
          FlowKeys keeps its vault key in your OS keychain. If that keychain item is lost (a new computer, a
          reset keychain), a recovery key is the only way back to your variables without a backup.
        </p>
        <p className="hint">
          It is shown once. Have paper ready, or a printer. You can also do this later on the Vault page.
        </p>
      </div>
    </Dialog>
  )
}
