import { useState, type ReactElement } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { UpstreamView } from '@shared/ipc'
import { describeCredentialMode } from '@shared/upstream-credentials'
import { toast } from '@renderer/app/ui'
import { ErrorBanner } from '@renderer/components/Banner'
import { Button } from '@renderer/components/Button'
import { Card } from '@renderer/components/Card'
import { ConfirmDialog } from '@renderer/components/ConfirmDialog'
import { IconButton } from '@renderer/components/IconButton'
import { useServer } from './store'
import { SetUpstreamDialog } from './UpstreamDialog'

/**
 * The Langflow server flow runs called through FlowKeys go to (`flowkeys upstream show`): its URL, FlowKeys' key
 * for it (masked), where it was set, and a probe of it. Set and Clear only when the app decides it: when
 * FLOWKEYS_UPSTREAM_URL does, it is changed there.
 */
export function UpstreamCard(): ReactElement {
  const { upstream, loaded, checking, error } = useServer(
    useShallow((s) => ({
      upstream: s.upstream,
      loaded: s.upstreamLoaded,
      checking: s.upstreamChecking,
      error: s.upstreamError
    }))
  )
  const [setting, setSetting] = useState(false)
  const [clearing, setClearing] = useState(false)
  const fromEnvironment = upstream?.source === 'environment'

  const confirmClear = async (): Promise<void> => {
    const cleared = await useServer.getState().clearUpstream()
    toast(cleared ? 'Upstream cleared.' : 'No upstream was set.')
  }

  return (
    <Card
      id="upstream-title"
      icon="server"
      title="Upstream Langflow"
      testId="upstream"
      actions={
        <IconButton
          icon="refresh"
          label="Check the upstream again"
          onClick={() => void useServer.getState().loadUpstream()}
          disabled={checking}
        />
      }
    >
      <p className="muted">
        The Langflow server that runs the flows called through FlowKeys. FlowKeys sends its own key to it, and
        your credentials with each run.
      </p>
      {error && <ErrorBanner message={error} />}
      {!loaded ? (
        <p className="muted">Checking…</p>
      ) : upstream ? (
        <UpstreamFacts upstream={upstream} checking={checking} />
      ) : (
        !error && (
          <p className="muted" data-testid="upstream-none">
            No upstream is set: flow runs called through FlowKeys have nowhere to go.
          </p>
        )
      )}
      {loaded && !fromEnvironment && (
        <div className="card__footer card__footer--wrap">
          {upstream && (
            <Button variant="danger-outline" icon="trash" onClick={() => setClearing(true)}>
              Clear
            </Button>
          )}
          <Button
            variant={upstream ? undefined : 'primary'}
            icon={upstream ? 'edit' : 'plus'}
            onClick={() => setSetting(true)}
          >
            Set upstream…
          </Button>
        </div>
      )}
      {setting && (
        <SetUpstreamDialog
          initialUrl={upstream?.source === 'data-dir' ? upstream.url : ''}
          initialNamedOnly={upstream?.variables === 'named'}
          onClose={() => setSetting(false)}
        />
      )}
      {clearing && (
        <ConfirmDialog
          title="Clear the upstream?"
          confirmLabel="Clear upstream"
          danger
          onConfirm={confirmClear}
          onClose={() => setClearing(false)}
        >
          <p>
            Flow runs called through FlowKeys are refused until an upstream is set again. FlowKeys forgets its
            key for {upstream?.url ?? 'it'}.
          </p>
        </ConfirmDialog>
      )}
    </Card>
  )
}

function UpstreamFacts({ upstream, checking }: { upstream: UpstreamView; checking: boolean }): ReactElement {
  const status = upstream.reachable ? 'Answers' : 'Unreachable'
  return (
    <dl className="facts">
      <dt>URL</dt>
      <dd>
        <code className="facts__value" data-testid="upstream-url">
          {upstream.url}
        </code>
      </dd>
      <dt>API key</dt>
      <dd>
        <code className="facts__value" data-testid="upstream-key">
          {upstream.api_key}
        </code>
      </dd>
      <dt>Source</dt>
      <dd data-testid="upstream-source">
        {upstream.source === 'environment' ? (
          <>
            <code>FLOWKEYS_UPSTREAM_URL</code> in the environment
            <span className="muted">: change it there, not here.</span>
          </>
        ) : (
          <>
            Set in FlowKeys<span className="muted">: its key is kept encrypted in the data folder.</span>
          </>
        )}
      </dd>
      <dt>Status</dt>
      <dd className="facts__status" data-testid="upstream-status" aria-busy={checking}>
        <span
          className={upstream.reachable ? 'status-dot status-dot--on' : 'status-dot status-dot--off'}
          aria-hidden="true"
        />
        <span>
          {checking ? 'Checking…' : status}
          {!checking && upstream.version && `, Langflow ${upstream.version}`}
          {!checking && upstream.key_accepted === true && <span className="muted"> · key accepted</span>}
        </span>
      </dd>
      {upstream.credentials && !checking && (
        <>
          <dt>Runs get</dt>
          <dd data-testid="upstream-credentials">{describeCredentialMode(upstream.credentials)}</dd>
        </>
      )}
      {upstream.problem && !checking && (
        <>
          <dt>Problem</dt>
          <dd className="error-text" data-testid="upstream-problem">
            {upstream.problem}
          </dd>
        </>
      )}
    </dl>
  )
}
