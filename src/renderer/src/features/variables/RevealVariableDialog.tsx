import { useEffect, useRef, useState, type ReactElement } from 'react'
import type { VariableView } from '@shared/ipc'
import { useUi } from '@renderer/app/ui'
import { Button } from '@renderer/components/Button'
import { CopyButton } from '@renderer/components/CopyButton'
import { Dialog } from '@renderer/components/Dialog'
import { DialogForm } from '@renderer/components/DialogForm'
import { Icon } from '@renderer/components/Icon'
import { TextField } from '@renderer/components/TextField'
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
          <TextField
            label="Your password"
            type="password"
            value={password}
            onChange={setPassword}
            autoComplete="current-password"
            spellCheck={false}
            data-autofocus
          />
        </DialogForm>
      ) : (
        <div className="form">
          <TextField
            label="Value"
            hint="Closing this dialog hides it again."
            revealable
            ref={valueRef}
            className="input mono"
            value={value}
            readOnly
            spellCheck={false}
          />
          <div className="form__actions">
            <CopyButton text={value} secret what={`Copy the value of ${variable.name}`} />
            <Button variant="primary" onClick={onClose}>
              Done
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  )
}
