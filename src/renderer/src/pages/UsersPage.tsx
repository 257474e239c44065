import { useEffect, useState, type ReactElement } from 'react'
import { UserAddRequest, describeIssues, type UserView } from '@shared/ipc'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { Dialog } from '../components/Dialog'
import { DialogForm } from '../components/DialogForm'
import { EmptyState } from '../components/EmptyState'
import { ErrorBanner } from '../components/ErrorBanner'
import { Field } from '../components/Field'
import { Icon } from '../components/Icon'
import { PageHeader } from '../components/PageHeader'
import { formatDate, formatRelative } from '../lib/format'
import { messageOf } from '../lib/ipc'
import { useSubmit } from '../lib/use-submit'
import { useUi } from '../stores/ui'
import { useUsers } from '../stores/users'
import { EditUserDialog, ResetPasswordDialog } from './EditUserDialog'

export function UsersPage(): ReactElement {
  const me = useUi((s) => s.me)
  const toast = useUi((s) => s.toast)
  const { users, loaded, error, load, setActive, setSuperuser, remove } = useUsers()
  const [adding, setAdding] = useState(false)
  const [deleting, setDeleting] = useState<UserView | null>(null)
  // Ids, not snapshots: the dialogs show the row as it is now. The password dialog opens over the edit one.
  const [editingId, setEditingId] = useState<string | null>(null)
  const [resettingId, setResettingId] = useState<string | null>(null)
  const editing = users.find((u) => u.id === editingId)
  const resetting = users.find((u) => u.id === resettingId)

  useEffect(() => {
    if (me?.is_superuser) void load()
  }, [me, load])

  if (!me?.is_superuser) {
    return (
      <section className="page" aria-labelledby="page-title">
        <PageHeader title="Users" />
        <EmptyState icon="shield" title="Superusers only">
          Only a superuser can see and manage the accounts of the key server.
        </EmptyState>
      </section>
    )
  }

  const act = async (action: () => Promise<void>, done: string): Promise<void> => {
    try {
      await action()
      toast(done)
    } catch (err) {
      toast(messageOf(err), 'error')
    }
  }

  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader
        title="Users"
        subtitle="Accounts of the key server. Each user has their own API keys and variables."
        actions={
          <button type="button" className="button button--primary" onClick={() => setAdding(true)}>
            <Icon name="plus" />
            <span>Add user</span>
          </button>
        }
      />
      {error && <ErrorBanner message={error} onRetry={() => void load()} />}
      {loaded && users.length === 0 && !error ? (
        <EmptyState icon="users" title="No users" />
      ) : (
        <div className="table-card table-card--scroll">
          <table className="data-table" aria-label="Users">
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Last login</th>
                <th scope="col" className="sticky-end">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => {
                const self = user.id === me.id
                return (
                  <tr key={user.id} data-user={user.username}>
                    <td className="strong">
                      <span className="avatar" aria-hidden="true">
                        {user.username.slice(0, 1).toUpperCase()}
                      </span>
                      {user.username}
                      {self && <span className="muted"> (you)</span>}
                    </td>
                    <td>
                      {user.is_superuser ? (
                        <span className="badge badge--superuser">Superuser</span>
                      ) : (
                        <span className="badge badge--unchanged">User</span>
                      )}
                    </td>
                    <td>
                      <span className={user.is_active ? 'badge badge--active' : 'badge badge--inactive'}>
                        {user.is_active ? 'Active' : 'Inactive'}
                      </span>
                    </td>
                    <td>{formatDate(user.create_at)}</td>
                    <td>{formatRelative(user.last_login_at)}</td>
                    <td className="row-actions sticky-end">
                      <button
                        type="button"
                        className="button button--small"
                        disabled={self}
                        onClick={() =>
                          void act(
                            () => setActive(user.id, !user.is_active),
                            `${user.username} is ${user.is_active ? 'deactivated' : 'activated'}.`
                          )
                        }
                      >
                        {user.is_active ? 'Deactivate' : 'Activate'}
                      </button>
                      <button
                        type="button"
                        className="button button--small"
                        disabled={self}
                        onClick={() =>
                          void act(
                            () => setSuperuser(user.id, !user.is_superuser),
                            `${user.username} is ${user.is_superuser ? 'no longer a superuser' : 'a superuser'}.`
                          )
                        }
                      >
                        {user.is_superuser ? 'Demote' : 'Promote'}
                      </button>
                      <button
                        type="button"
                        className="icon-button"
                        aria-label={`Edit ${user.username}`}
                        title="Edit or reset password"
                        onClick={() => setEditingId(user.id)}
                      >
                        <Icon name="edit" />
                      </button>
                      <button
                        type="button"
                        className="icon-button icon-button--danger"
                        aria-label={`Delete ${user.username}`}
                        disabled={self}
                        onClick={() => setDeleting(user)}
                      >
                        <Icon name="trash" />
                      </button>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      {adding && <AddUserDialog onClose={() => setAdding(false)} />}
      {editing && (
        <EditUserDialog
          user={editing}
          self={editing.id === me.id}
          onResetPassword={() => setResettingId(editing.id)}
          onClose={() => setEditingId(null)}
        />
      )}
      {resetting && <ResetPasswordDialog user={resetting} onClose={() => setResettingId(null)} />}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.username}?`}
          confirmLabel="Delete user"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await remove(deleting.id)
            toast(`${deleting.username} is deleted.`)
          }}
        >
          <p>Their API keys stop working and their variables are deleted with them. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  )
}

function AddUserDialog({ onClose }: { onClose(): void }): ReactElement {
  const add = useUsers((s) => s.add)
  const toast = useUi((s) => s.toast)
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
