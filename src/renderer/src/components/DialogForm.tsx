import type { ReactElement, ReactNode } from 'react'
import type { Submit } from '@renderer/lib/use-submit'
import { ErrorBanner } from './ErrorBanner'
import { Icon, type IconName } from './Icon'

/**
 * A dialog's form: the submit's error on top, then the fields, then Cancel and the primary submit button, which
 * shows its busy label while the submit works.
 */
export function DialogForm({
  submit,
  onCancel,
  disabled = false,
  label,
  busyLabel,
  icon,
  children
}: {
  submit: Pick<Submit, 'busy' | 'error' | 'onSubmit'>
  onCancel(): void
  disabled?: boolean
  label: string
  busyLabel: string
  icon?: IconName
  children: ReactNode
}): ReactElement {
  const { busy, error, onSubmit } = submit
  const text = busy ? busyLabel : label
  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      {error && <ErrorBanner message={error} />}
      {children}
      <div className="form__actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={busy || disabled}>
          {icon ? (
            <>
              <Icon name={icon} />
              <span>{text}</span>
            </>
          ) : (
            text
          )}
        </button>
      </div>
    </form>
  )
}
