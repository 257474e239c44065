import { useState, type ReactElement } from 'react'
import { UserSetPasswordRequest, UserUpdateRequest, describeIssues, type UserView } from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { Dialog } from '@renderer/components/Dialog'
import { DialogForm } from '@renderer/components/DialogForm'
import { Field } from '@renderer/components/Field'
import { Icon } from '@renderer/components/Icon'
import { useSubmit } from '@renderer/lib/use-submit'
import { useUsers } from './store'

/** The first rule a request breaks, without the field name (the dialog shows one message at a time). */
const firstIssue = (error: Parameters<typeof describeIssues>[0]): string =>
  (describeIssues(error).split('; ')[0] ?? '').replace(/^\w+: /, '')

/**
 * Langflow's admin "Edit" dialog: username, active, superuser. Sends only what changed (Save stays disabled
 * until something did). Your own account (the configured superuser) keeps all three; its password can change.
 */
export function EditUserDialog({
  user,
  self,
  onResetPassword,
  onClose
}: {
  user: UserView
  self: boolean
  onResetPassword(): void
  onClose(): void
}): ReactElement {
  const update = useUsers((s) => s.update)
  const [username, setUsername] = useState(user.username)
  const [active, setActive] = useState(user.is_active)
  const [superuser, setSuperuser] = useState(user.is_superuser)

  const patch = {
    ...(username.trim() !== user.username ? { username } : {}),
    ...(active !== user.is_active ? { is_active: active } : {}),
    ...(superuser !== user.is_superuser ? { is_superuser: superuser } : {})
  }
  const dirty = Object.keys(patch).length > 0

  const request = { id: user.id, ...patch }
  const submit = useSubmit(
    async () => {
      const saved = await update(request)
      toast(`${saved.username} is saved.`)
      onClose()
    },
    {
      check: () => {
        if (!dirty) return false
        const checked = UserUpdateRequest.safeParse(request)
        return checked.success ? null : firstIssue(checked.error)
      }
    }
  )

  return (
    <Dialog title={`Edit ${user.username}`} onClose={onClose}>
      <DialogForm submit={submit} onCancel={onClose} disabled={!dirty} label="Save" busyLabel="Saving…">
        <Field
          label="Username"
          hint={
            self
              ? 'You are the configured superuser: it cannot be renamed, deactivated or demoted.'
              : undefined
          }
        >
          {(control) => (
            <input
              {...control}
              className="input"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              disabled={self}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
            />
          )}
        </Field>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={active}
            disabled={self}
            onChange={(e) => setActive(e.target.checked)}
          />
          <span>Active (can sign in and use API keys)</span>
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={superuser}
            disabled={self}
            onChange={(e) => setSuperuser(e.target.checked)}
          />
          <span>Superuser (can manage users)</span>
        </label>
        <fieldset className="field">
          <legend className="field__label">Password</legend>
          <span className="field__hint">
            Set a new one if they forgot it. This signs them out everywhere.
          </span>
          <span>
            <button
              type="button"
              className="button button--small"
              aria-label={`Reset password for ${user.username}`}
              onClick={onResetPassword}
            >
              <Icon name="lock" size={14} />
              <span>Reset password…</span>
            </button>
          </span>
        </fieldset>
      </DialogForm>
    </Dialog>
  )
}

/**
 * A superuser sets a new password for a user (Langflow's admin PATCH with `password`), typed twice. The
 * passwords live only in this dialog's state: closing it unmounts it and they are gone.
 */
export function ResetPasswordDialog({ user, onClose }: { user: UserView; onClose(): void }): ReactElement {
  const setUserPassword = useUsers((s) => s.setPassword)
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [mismatch, setMismatch] = useState(false)

  const close = (): void => {
    setPassword('')
    setConfirm('')
    onClose()
  }

  const submit = useSubmit(
    async () => {
      await setUserPassword(user.id, password)
      toast(`The password of ${user.username} is changed.`)
      close()
    },
    {
      check: () => {
        const checked = UserSetPasswordRequest.safeParse({ id: user.id, password })
        const differs = checked.success && password !== confirm
        setMismatch(differs)
        if (!checked.success) return firstIssue(checked.error)
        return differs ? 'The passwords do not match. Type the same password twice.' : null
      }
    }
  )

  return (
    <Dialog
      title={`Reset password for ${user.username}`}
      description="Their sessions end: they sign in again with the new password. Their API keys keep working."
      onClose={close}
    >
      <DialogForm submit={submit} onCancel={close} label="Set password" busyLabel="Saving…">
        <Field label="New password" hint="At least 8 characters. Stored only as a slow hash.">
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="new-password"
              data-autofocus
            />
          )}
        </Field>
        <Field label="Confirm password">
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              value={confirm}
              onChange={(e) => {
                setConfirm(e.target.value)
                setMismatch(false)
              }}
              aria-invalid={mismatch}
              autoComplete="new-password"
            />
          )}
        </Field>
      </DialogForm>
    </Dialog>
  )
}
