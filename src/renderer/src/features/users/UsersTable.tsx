import type { ReactElement } from 'react'
import type { UserView } from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { Button } from '@renderer/components/Button'
import { IconButton } from '@renderer/components/IconButton'
import { formatDate, formatRelative } from '@renderer/lib/format'
import { messageOf } from '@renderer/lib/ipc'
import { useUsers } from './store'

/** The accounts, with their role and status, and the actions on each; your own account cannot act on itself. */
export function UsersTable({
  selfId,
  onEdit,
  onDelete
}: {
  selfId: string
  onEdit(user: UserView): void
  onDelete(user: UserView): void
}): ReactElement {
  const users = useUsers((s) => s.users)

  const act = async (action: () => Promise<void>, done: string): Promise<void> => {
    try {
      await action()
      toast(done)
    } catch (err) {
      toast(messageOf(err), 'error')
    }
  }

  return (
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
            const self = user.id === selfId
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
                  <Button
                    small
                    disabled={self}
                    onClick={() =>
                      void act(
                        () => useUsers.getState().setActive(user.id, !user.is_active),
                        `${user.username} is ${user.is_active ? 'deactivated' : 'activated'}.`
                      )
                    }
                  >
                    {user.is_active ? 'Deactivate' : 'Activate'}
                  </Button>
                  <Button
                    small
                    disabled={self}
                    onClick={() =>
                      void act(
                        () => useUsers.getState().setSuperuser(user.id, !user.is_superuser),
                        `${user.username} is ${user.is_superuser ? 'no longer a superuser' : 'a superuser'}.`
                      )
                    }
                  >
                    {user.is_superuser ? 'Demote' : 'Promote'}
                  </Button>
                  <IconButton
                    icon="edit"
                    label={`Edit ${user.username}`}
                    title="Edit or reset password"
                    onClick={() => onEdit(user)}
                  />
                  <IconButton
                    icon="trash"
                    label={`Delete ${user.username}`}
                    danger
                    disabled={self}
                    onClick={() => onDelete(user)}
                  />
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
