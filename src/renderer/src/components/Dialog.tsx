import { useEffect, useId, useRef, type ReactElement, type ReactNode } from 'react'
import { create } from 'zustand'
import { IconButton } from './IconButton'

/**
 * The open modal dialogs, last opened last. A modal sits in the browser's top layer, above any z-index, with the
 * page behind it inert: Toasts renders inside the topmost one so a toast stays visible (and dismissable).
 */
export const useOpenDialogs = create<{ dialogs: HTMLDialogElement[] }>()(() => ({ dialogs: [] }))

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
    useOpenDialogs.setState((s) => ({ dialogs: [...s.dialogs, dialog] }))
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
    // Chromium lets a second Escape (with no click or key in between) close a modal without a cancelable
    // cancel event: open it again and ask as for the first, so a dialog that must ask before closing does.
    const closed = (): void => {
      if (!dialog.isConnected) return
      dialog.showModal()
      onCloseRef.current()
    }
    dialog.addEventListener('cancel', cancel)
    dialog.addEventListener('keydown', keydown)
    dialog.addEventListener('close', closed)
    return () => {
      dialog.removeEventListener('cancel', cancel)
      dialog.removeEventListener('keydown', keydown)
      dialog.removeEventListener('close', closed)
      useOpenDialogs.setState((s) => ({ dialogs: s.dialogs.filter((d) => d !== dialog) }))
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
        <IconButton icon="x" label="Close" onClick={onClose} />
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
