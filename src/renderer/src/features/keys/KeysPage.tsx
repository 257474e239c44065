import { useEffect, useMemo, useState, type ReactElement } from 'react'
import { Button } from '@renderer/components/Button'
import { EmptyState } from '@renderer/components/EmptyState'
import { ListStates } from '@renderer/components/ListStates'
import { PageHeader } from '@renderer/components/PageHeader'
import { useNow } from '@renderer/lib/use-now'
import { CreateKeyDialog } from './CreateKeyDialog'
import { KeysTable } from './KeysTable'
import { KeysToolbar } from './KeysToolbar'
import { RevokeKeysDialog } from './RevokeKeysDialog'
import { useKeys, visibleKeys } from './store'

export function KeysPage(): ReactElement {
  const keys = useKeys((s) => s.keys)
  const loaded = useKeys((s) => s.loaded)
  const error = useKeys((s) => s.error)
  const query = useKeys((s) => s.query)
  const status = useKeys((s) => s.status)
  const sort = useKeys((s) => s.sort)
  const [creating, setCreating] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const now = useNow()

  useEffect(() => {
    void useKeys.getState().load()
  }, [])

  const rows = useMemo(() => visibleKeys(keys, query, status, sort, now), [keys, query, status, sort, now])

  return (
    <section className="page page--fill" aria-labelledby="page-title">
      <PageHeader
        title="API keys"
        subtitle="Keys that let flows and scripts call the key server. Only a fingerprint of each key is stored."
        actions={
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
            Create key
          </Button>
        }
      />
      <ListStates
        error={error}
        onRetry={() => void useKeys.getState().load()}
        empty={loaded && keys.length === 0}
        emptyState={
          <EmptyState
            icon="key"
            title="No API keys yet"
            action={
              <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
                Create your first key
              </Button>
            }
          >
            Create a key for each app or flow that calls FlowKeys, so you can revoke one without touching the
            others.
          </EmptyState>
        }
      >
        <KeysToolbar shown={rows.length} onRevoke={() => setConfirming(true)} />
        <KeysTable rows={rows} now={now} />
      </ListStates>

      {creating && <CreateKeyDialog onClose={() => setCreating(false)} />}
      {confirming && <RevokeKeysDialog onClose={() => setConfirming(false)} />}
    </section>
  )
}
