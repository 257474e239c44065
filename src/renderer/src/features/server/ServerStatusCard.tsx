import type { ReactElement } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { StoreLocationView } from '@shared/ipc'
import { Button } from '@renderer/components/Button'
import { CopyButton } from '@renderer/components/CopyButton'
import { ServerSettings } from './ServerSettings'
import { useServer } from './store'

/** Whether the server runs (Start, Stop), where it listens, which store the core uses, and its settings. */
export function ServerStatusCard({ baseUrl }: { baseUrl: string }): ReactElement {
  const { status, settings, store, busy } = useServer(
    useShallow((s) => ({ status: s.status, settings: s.settings, store: s.store, busy: s.busy }))
  )
  const running = status?.running ?? false

  return (
    <div className="card server-status">
      <div className="server-status__line">
        <span className={running ? 'status-dot status-dot--on' : 'status-dot'} aria-hidden="true" />
        <div>
          <div className="server-status__state" data-testid="server-state">
            {status === null ? 'Checking…' : running ? 'Running' : 'Stopped'}
          </div>
          <div className="muted">
            {running ? 'Listening on this computer only.' : 'Flows and scripts cannot reach FlowKeys now.'}
          </div>
        </div>
        <span className="toolbar__spacer" />
        {running ? (
          <Button icon="stop" onClick={() => void useServer.getState().stop()} disabled={busy}>
            Stop
          </Button>
        ) : (
          <Button
            variant="primary"
            icon="play"
            onClick={() => void useServer.getState().start()}
            disabled={busy || !status}
          >
            Start
          </Button>
        )}
      </div>
      <div className="field">
        <span className="field__label" id="base-url-label">
          Base URL
        </span>
        <div className="secret-box secret-box--plain">
          <code className="secret-box__value" aria-labelledby="base-url-label" data-testid="server-url">
            {baseUrl}
          </code>
          {running ? (
            <CopyButton text={baseUrl} what="Copy the base URL" />
          ) : (
            <span className="muted nowrap" data-testid="server-url-stopped">
              Start the server to use it
            </span>
          )}
        </div>
      </div>
      {store && <StoreLocation store={store} />}
      {settings && <ServerSettings key={`${settings.serverPort}:${settings.autostart}`} />}
    </div>
  )
}

const STORE_KIND_LABELS: Record<StoreLocationView['kind'], string> = {
  file: 'JSON file',
  postgres: 'PostgreSQL'
}

/** Which store the core uses: "Store: JSON file" or "Store: PostgreSQL (team store)", then where it is. */
function StoreLocation({ store }: { store: StoreLocationView }): ReactElement {
  const team = store.kind === 'postgres'
  return (
    <div className="field" role="group" aria-labelledby="store-label" data-testid="store-location">
      <span className="field__label" id="store-label">
        Store: <span data-testid="store-kind">{STORE_KIND_LABELS[store.kind]}</span>
        {team && <span className="muted"> (team store)</span>}
      </span>
      <div className="secret-box secret-box--plain">
        <code className="secret-box__value" data-testid="store-where">
          {store.where}
        </code>
        <CopyButton text={store.where} what={team ? 'Copy the database' : 'Copy the file path'} />
      </div>
    </div>
  )
}
