import { useMemo, type ReactElement } from 'react'
import { shortMask } from '@shared/api-key-display'
import { toast } from '@renderer/app/ui'
import { ConfirmDialog } from '@renderer/components/ConfirmDialog'
import { NameList } from '@renderer/components/NameList'
import { formatCount } from '@renderer/lib/format'
import { useKeys } from './store'

/** Asks before revoking the selected keys, naming the first few. */
export function RevokeKeysDialog({ onClose }: { onClose(): void }): ReactElement {
  const keys = useKeys((s) => s.keys)
  const selected = useKeys((s) => s.selected)
  const selectedKeys = useMemo(() => keys.filter((k) => selected.has(k.id)), [keys, selected])
  const one = selectedKeys.length === 1

  const revoke = async (): Promise<void> => {
    const result = await useKeys.getState().revoke(selectedKeys.map((k) => k.id))
    const n = result.revoked.length
    toast(n === 1 ? 'The key is revoked.' : `${formatCount(n)} keys are revoked.`)
  }

  return (
    <ConfirmDialog
      title={one ? 'Revoke this API key?' : `Revoke ${formatCount(selectedKeys.length)} API keys?`}
      confirmLabel={one ? 'Revoke key' : 'Revoke keys'}
      danger
      onConfirm={revoke}
      onClose={onClose}
    >
      <p>Anything using {one ? 'it' : 'them'} is refused at once. This cannot be undone.</p>
      <NameList items={selectedKeys} itemKey={(k) => k.id}>
        {(k) => (
          <>
            <strong>{k.name ?? 'Unnamed key'}</strong> <code className="muted">{shortMask(k.api_key)}</code>
          </>
        )}
      </NameList>
    </ConfirmDialog>
  )
}
