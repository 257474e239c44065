import type { ReactElement, ReactNode } from 'react'
import { useSubmit } from '@renderer/lib/use-submit'
import { ErrorBanner } from './Banner'
import { Button } from './Button'
import { Dialog } from './Dialog'

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
  const { busy, error, run } = useSubmit(async () => {
    await onConfirm()
    onClose()
  })
  return (
    <Dialog
      title={title}
      role="alertdialog"
      description={children}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button variant={danger ? 'danger' : 'primary'} onClick={() => void run()} disabled={busy}>
            {busy ? 'Working…' : confirmLabel}
          </Button>
        </>
      }
    >
      {error && <ErrorBanner message={error} />}
    </Dialog>
  )
}
