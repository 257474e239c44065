import { useState, type ReactElement } from 'react'
import { UserAddRequest, describeIssues } from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { Dialog } from '@renderer/components/Dialog'
import { DialogForm } from '@renderer/components/DialogForm'
import { Field } from '@renderer/components/Field'
import { useSubmit } from '@renderer/lib/use-submit'
import { useUsers } from './store'

/** A new account of the key server: a username, a password, and whether it is a superuser. */
export function AddUserDialog({ onClose }: { onClose(): void }): ReactElement {
  const add = useUsers((s) => s.add)
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [superuser, setSuperuserFlag] = useState(false)
  const request = { username, password, is_superuser: superuser }
  const submit = useSubmit(
    async () => {
      const user = await add(request)
      toast(`${user.username} is added.`)
      onClose()
    },
    {
      check: () => {
        const checked = UserAddRequest.safeParse(request)
        return checked.success ? null : describeIssues(checked.error)
      }
    }
  )

  return (
    <Dialog title="Add a user" onClose={onClose}>
      <DialogForm submit={submit} onCancel={onClose} label="Add user" busyLabel="Adding…">
        <Field label="Username">
          {(control) => (
            <input
              {...control}
              className="input"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
            />
          )}
        </Field>
        <Field label="Password" hint="At least 8 characters. Stored only as a slow hash.">
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="new-password"
            />
          )}
        </Field>
        <label className="checkbox">
          <input type="checkbox" checked={superuser} onChange={(e) => setSuperuserFlag(e.target.checked)} />
          <span>Superuser (can manage users)</span>
        </label>
      </DialogForm>
    </Dialog>
  )
}
