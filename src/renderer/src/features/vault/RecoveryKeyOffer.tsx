import { useEffect, useState, type ReactElement } from 'react'
import { ErrorBanner } from '@renderer/components/Banner'
import { Button } from '@renderer/components/Button'
import { Dialog } from '@renderer/components/Dialog'
import { useSubmit } from '@renderer/lib/use-submit'
import { RecoveryKeyDialog } from './RecoveryKeyDialog'
import { useVault } from './store'

/**
 * The first-start offer: when the store has no recovery key, asks once per app run whether to show one now.
 * Later leaves a banner on the Vault page.
 */
export function RecoveryKeyOffer(): ReactElement | null {
  const offering = useVault((s) => s.offering)
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null)
  const {
    busy,
    error,
    run: show
  } = useSubmit(async () => {
    setRecoveryKey(await useVault.getState().makeRecoveryKey())
    useVault.getState().dismissOffer()
  })
  const dismiss = (): void => useVault.getState().dismissOffer()

  useEffect(() => {
    void useVault.getState().offerAtStart()
  }, [])

  if (recoveryKey) return <RecoveryKeyDialog recoveryKey={recoveryKey} onClose={() => setRecoveryKey(null)} />
  if (!offering) return null
  return (
    <Dialog
      title="Save your recovery key"
      onClose={dismiss}
      footer={
        <>
          <Button onClick={dismiss}>Later</Button>
          <Button variant="primary" onClick={() => void show()} disabled={busy} data-autofocus>
            {busy ? 'Making it…' : 'Show recovery key'}
          </Button>
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
