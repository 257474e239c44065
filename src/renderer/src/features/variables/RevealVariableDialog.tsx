import { useEffect, useRef, useState, type ReactElement } from 'react'
import type { VariableView } from '@shared/ipc'
import { useUi } from '@renderer/app/ui'
import { CopyButton } from '@renderer/components/CopyButton'
import { Dialog } from '@renderer/components/Dialog'
import { DialogForm } from '@renderer/components/DialogForm'
import { Field } from '@renderer/components/Field'
import { Icon } from '@renderer/components/Icon'
import { api, call } from '@renderer/lib/ipc'
import { useSubmit } from '@renderer/lib/use-submit'

/**
 * Shows a Credential's value on explicit request. The user first proves presence with the password of the account
 * the app acts as; main checks it, limits wrong tries and records the read in the access log. The value lives in
 * this dialog's state only (no store keeps it): closing the dialog drops it.
 */
export function RevealVariableDialog({
  variable,
  onClose
}: {
  variable: VariableView
  onClose(): void
}): ReactElement {
  const me = useUi((s) => s.me)
  const [password, setPassword] = useState('')
  const [value, setValue] = useState<string | null>(null)
  const [shown, setShown] = useState(false)
  const valueRef = useRef<HTMLInputElement>(null)
  // The form that had the focus is gone once the value shows: the focus moves to the value.
  useEffect(() => {
    if (value !== null) valueRef.current?.focus()
  }, [value])

  const submit = useSubmit(
    async () => {
      try {
        const revealed = await call(api().variables.reveal({ id: variable.id, password }))
        setValue(revealed.value)
      } finally {
        // The password is not kept once it was checked, right or wrong.
        setPassword('')
      }
    },
    { check: () => (password ? null : 'Type your password to show the value.') }
  )

  return (
    <Dialog title={`Show ${variable.name}`} onClose={onClose}>
      {value === null ? (
        <DialogForm submit={submit} onCancel={onClose} label="Show value" busyLabel="Checking…">
          <p className="muted">
            <Icon name="lock" size={12} /> This Credential is hidden. Type the password of{' '}
            <strong>{me?.username ?? 'the account FlowKeys acts as'}</strong> to show it here once. The read
            is recorded in the access log.
          </p>
          <Field label="Your password">
            {(control) => (
              <input
                {...control}
                className="input"
                type="password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                autoComplete="current-password"
                spellCheck={false}
                data-autofocus
              />
            )}
          </Field>
        </DialogForm>
      ) : (
        <div className="form">
          <Field label="Value" hint="Closing this dialog hides it again.">
            {(control) => (
              <span className="input-with-button">
                <input
                  {...control}
                  ref={valueRef}
                  className="input mono"
                  type={shown ? 'text' : 'password'}
                  value={value}
                  readOnly
                  spellCheck={false}
                />
                <button
                  type="button"
                  className="icon-button"
                  aria-label={shown ? 'Hide the value' : 'Show the value'}
                  aria-pressed={shown}
                  onClick={() => setShown(!shown)}
                >
                  <Icon name={shown ? 'eyeOff' : 'eye'} />
                </button>
              </span>
            )}
          </Field>
          <div className="form__actions">
            <CopyButton text={value} secret what={`Copy the value of ${variable.name}`} />
            <button type="button" className="button button--primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      )}
    </Dialog>
  )
}
