import { useEffect, useId, useRef, type ReactElement, type ReactNode } from 'react'
import { Icon } from './Icon'

interface DialogProps {
  title: string
  description?: ReactNode
  onClose(): void
  children: ReactNode
  footer?: ReactNode
  /** Wide dialogs hold tables or long values. */
  wide?: boolean
  role?: 'dialog' | 'alertdialog'
}

const FOCUSABLE = 'input, select, textarea, button, [href], [tabindex]:not([tabindex="-1"])'

function tabbable(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.tabIndex >= 0 && !el.matches(':disabled') && el.getClientRects().length > 0
  )
}

/**
 * A modal on the native <dialog>: the page behind is inert (so Tab stays inside), Escape closes it, focus goes
 * to the element marked data-autofocus (or the first control) and returns where it was on close.
 * Mount it to open it; unmount it to close it.
 */
export function Dialog({
  title,
  description,
  onClose,
  children,
  footer,
  wide,
  role
}: DialogProps): ReactElement {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const descriptionId = useId()
  const onCloseRef = useRef(onClose)
  useEffect(() => {
    onCloseRef.current = onClose
  })

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null
    if (!dialog.open) dialog.showModal()
    const initial = dialog.querySelector<HTMLElement>('[data-autofocus]') ?? tabbable(dialog)[0]
    initial?.focus()
    const cancel = (event: Event): void => {
      event.preventDefault()
      onCloseRef.current()
    }
    // The page behind is inert, but Tab past the last control would leave for the browser UI: wrap instead.
    const keydown = (event: KeyboardEvent): void => {
      if (event.key !== 'Tab') return
      const items = tabbable(dialog)
      const first = items[0]
      const last = items.at(-1)
      if (!first || !last) return
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault()
        last.focus()
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault()
        first.focus()
      }
    }
    dialog.addEventListener('cancel', cancel)
    dialog.addEventListener('keydown', keydown)
    return () => {
      dialog.removeEventListener('cancel', cancel)
      dialog.removeEventListener('keydown', keydown)
      if (dialog.open) dialog.close()
      if (previous?.isConnected) previous.focus()
    }
  }, [])

  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog--wide' : 'dialog'}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      role={role}
    >
      <header className="dialog__header">
        <h2 id={titleId} className="dialog__title">
          {title}
        </h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          <Icon name="x" />
        </button>
      </header>
      {description && (
        <div id={descriptionId} className="dialog__description">
          {description}
        </div>
      )}
      <div className="dialog__body">{children}</div>
      {footer && <footer className="dialog__footer">{footer}</footer>}
    </dialog>
  )
}
