import { useState, type ReactElement } from 'react'
import { UserAddRequest, describeIssues } from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { Checkbox } from '@renderer/components/Checkbox'
import { FormDialog } from '@renderer/components/DialogForm'
import { TextField } from '@renderer/components/TextField'
import { useSubmit } from '@renderer/lib/use-submit'
import { PASSWORD_HINT } from './EditUserDialog'
import { useUsers } from './store'

/** A new account of the key server: a username, a password, and whether it is a superuser. */
export function AddUserDialog({ onClose }: { onClose(): void }): ReactElement {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [superuser, setSuperuserFlag] = useState(false)
  const request = { username, password, is_superuser: superuser }
  const submit = useSubmit(
    async () => {
      const user = await useUsers.getState().add(request)
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
    <FormDialog title="Add a user" onClose={onClose} submit={submit} label="Add user" busyLabel="Adding…">
      <TextField
        label="Username"
        value={username}
        onChange={setUsername}
        autoComplete="off"
        spellCheck={false}
        data-autofocus
      />
      <TextField
        label="Password"
        hint={PASSWORD_HINT}
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
      />
      <Checkbox label="Superuser (can manage users)" checked={superuser} onChange={setSuperuserFlag} />
    </FormDialog>
  )
}
