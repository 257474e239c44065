import type { ReactElement } from 'react'
import { createPortal } from 'react-dom'
import { useOpenDialogs } from '@renderer/components/Dialog'
import { Icon } from '@renderer/components/Icon'
import { IconButton } from '@renderer/components/IconButton'
import { useUi } from './ui'

/**
 * Short confirmations, announced politely to screen readers, at the bottom left (away from the page header's
 * main button). While a modal dialog is open they render inside it: the dialog is in the top layer, above any
 * z-index, and the page behind it is inert.
 */
export function Toasts(): ReactElement {
  const toasts = useUi((s) => s.toasts)
  const top = useOpenDialogs((s) => s.dialogs.at(-1))
  const list = (
    <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast--${toast.tone}`}>
          <Icon name={toast.tone === 'error' ? 'alert' : 'check'} />
          <span>{toast.message}</span>
          <IconButton
            icon="x"
            iconSize={14}
            label="Dismiss"
            onClick={() => useUi.getState().dismiss(toast.id)}
          />
        </div>
      ))}
    </div>
  )
  return top ? createPortal(list, top) : list
}
