import { useState, type ReactElement } from 'react'
import { UserSetPasswordRequest, UserUpdateRequest, type UserView } from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { Button } from '@renderer/components/Button'
import { Checkbox } from '@renderer/components/Checkbox'
import { FormDialog } from '@renderer/components/DialogForm'
import { TextField } from '@renderer/components/TextField'
import { firstIssue } from '@renderer/lib/issues'
import { useSubmit } from '@renderer/lib/use-submit'
import { useUsers } from './store'

/** Under a new password: the rule the core holds it to, and what it keeps of it. */
export const PASSWORD_HINT = 'At least 8 characters. Stored only as a slow hash.'

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
      const saved = await useUsers.getState().update(request)
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
    <FormDialog
      title={`Edit ${user.username}`}
      onClose={onClose}
      submit={submit}
      disabled={!dirty}
      label="Save"
      busyLabel="Saving…"
    >
      <TextField
        label="Username"
        hint={
          self ? 'You are the configured superuser: it cannot be renamed, deactivated or demoted.' : undefined
        }
        value={username}
        onChange={setUsername}
        disabled={self}
        autoComplete="off"
        spellCheck={false}
        data-autofocus
      />
      <Checkbox
        label="Active (can sign in and use API keys)"
        checked={active}
        disabled={self}
        onChange={setActive}
      />
      <Checkbox
        label="Superuser (can manage users)"
        checked={superuser}
        disabled={self}
        onChange={setSuperuser}
      />
      <fieldset className="field">
        <legend className="field__label">Password</legend>
        <span className="field__hint">Set a new one if they forgot it. This signs them out everywhere.</span>
        <span>
          <Button
            small
            icon="lock"
            iconSize={14}
            aria-label={`Reset password for ${user.username}`}
            onClick={onResetPassword}
          >
            Reset password…
          </Button>
        </span>
      </fieldset>
    </FormDialog>
  )
}

/**
 * A superuser sets a new password for a user (Langflow's admin PATCH with `password`), typed twice. The
 * passwords live only in this dialog's state: closing it unmounts it and they are gone.
 */
export function ResetPasswordDialog({ user, onClose }: { user: UserView; onClose(): void }): ReactElement {
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
      await useUsers.getState().setPassword(user.id, password)
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
    <FormDialog
      title={`Reset password for ${user.username}`}
      description="Their sessions end: they sign in again with the new password. Their API keys keep working."
      onClose={close}
      submit={submit}
      label="Set password"
      busyLabel="Saving…"
    >
      <TextField
        label="New password"
        hint={PASSWORD_HINT}
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
        data-autofocus
      />
      <TextField
        label="Confirm password"
        type="password"
        value={confirm}
        onChange={(text) => {
          setConfirm(text)
          setMismatch(false)
        }}
        aria-invalid={mismatch}
        autoComplete="new-password"
      />
    </FormDialog>
  )
}
