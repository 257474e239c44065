import type { ReactElement, ReactNode } from 'react'
import type { Submit } from '@renderer/lib/use-submit'
import { ErrorBanner } from './Banner'
import { Button } from './Button'
import { Dialog } from './Dialog'
import type { IconName } from './Icon'

/**
 * A dialog's form: the submit's error on top, then the fields, then Cancel and the primary submit button, which
 * shows its busy label while the submit works.
 */
interface DialogFormProps {
  submit: Pick<Submit, 'busy' | 'error' | 'onSubmit'>
  onCancel(): void
  /** The submit button is disabled (nothing to save yet). */
  disabled?: boolean
  label: string
  busyLabel: string
  icon?: IconName
  children: ReactNode
}

export function DialogForm({
  submit,
  onCancel,
  disabled = false,
  label,
  busyLabel,
  icon,
  children
}: DialogFormProps): ReactElement {
  const { busy, error, onSubmit } = submit
  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      {error && <ErrorBanner message={error} />}
      {children}
      <div className="form__actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button variant="primary" type="submit" icon={icon} disabled={busy || disabled}>
          {busy ? busyLabel : label}
        </Button>
      </div>
    </form>
  )
}

/** A dialog that is one form (DialogForm): Cancel closes it, as × and Escape do. */
export function FormDialog({
  title,
  description,
  onClose,
  ...form
}: Omit<DialogFormProps, 'onCancel'> & {
  title: string
  description?: ReactNode
  onClose(): void
}): ReactElement {
  return (
    <Dialog title={title} description={description} onClose={onClose}>
      <DialogForm {...form} onCancel={onClose} />
    </Dialog>
  )
}
