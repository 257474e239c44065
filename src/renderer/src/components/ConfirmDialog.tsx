import { useState, type ReactElement, type ReactNode } from 'react'
import { messageOf } from '../lib/ipc'
import { Dialog } from './Dialog'
import { ErrorBanner } from './ErrorBanner'

interface ConfirmDialogProps {
  title: string
  children: ReactNode
  confirmLabel: string
  /** Destructive actions get the red button. */
  danger?: boolean
  onConfirm(): Promise<void>
  onClose(): void
}

/** Asks before a destructive action; the safe choice (Cancel) has the focus. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger,
  onConfirm,
  onClose
}: ConfirmDialogProps): ReactElement {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const confirm = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      await onConfirm()
      onClose()
    } catch (err) {
      setError(messageOf(err))
      setBusy(false)
    }
  }
  return (
    <Dialog
      title={title}
      role="alertdialog"
      description={children}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <button
            type="button"
            className={danger ? 'button button--danger' : 'button button--primary'}
            onClick={() => void confirm()}
            disabled={busy}
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      {error && <ErrorBanner message={error} />}
    </Dialog>
  )
}
