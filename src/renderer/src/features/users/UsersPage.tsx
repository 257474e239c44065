import { useEffect, useState, type ReactElement } from 'react'
import type { UserView } from '@shared/ipc'
import { toast, useUi } from '@renderer/app/ui'
import { ErrorBanner } from '@renderer/components/Banner'
import { Button } from '@renderer/components/Button'
import { ConfirmDialog } from '@renderer/components/ConfirmDialog'
import { EmptyState } from '@renderer/components/EmptyState'
import { PageHeader } from '@renderer/components/PageHeader'
import { AddUserDialog } from './AddUserDialog'
import { EditUserDialog, ResetPasswordDialog } from './EditUserDialog'
import { useUsers } from './store'
import { UsersTable } from './UsersTable'

export function UsersPage(): ReactElement {
  const me = useUi((s) => s.me)
  const users = useUsers((s) => s.users)
  const loaded = useUsers((s) => s.loaded)
  const error = useUsers((s) => s.error)
  const [adding, setAdding] = useState(false)
  const [deleting, setDeleting] = useState<UserView | null>(null)
  // Ids, not snapshots: the dialogs show the row as it is now. The password dialog opens over the edit one.
  const [editingId, setEditingId] = useState<string | null>(null)
  const [resettingId, setResettingId] = useState<string | null>(null)
  const editing = users.find((u) => u.id === editingId)
  const resetting = users.find((u) => u.id === resettingId)

  useEffect(() => {
    if (me?.is_superuser) void useUsers.getState().load()
  }, [me])

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

  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader
        title="Users"
        subtitle="Accounts of the key server. Each user has their own API keys and variables."
        actions={
          <Button variant="primary" icon="plus" onClick={() => setAdding(true)}>
            Add user
          </Button>
        }
      />
      {error && <ErrorBanner message={error} onRetry={() => void useUsers.getState().load()} />}
      {loaded && users.length === 0 && !error ? (
        <EmptyState icon="users" title="No users" />
      ) : (
        <UsersTable selfId={me.id} onEdit={(user) => setEditingId(user.id)} onDelete={setDeleting} />
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
            await useUsers.getState().remove(deleting.id)
            toast(`${deleting.username} is deleted.`)
          }}
        >
          <p>Their API keys stop working and their variables are deleted with them. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  )
}
