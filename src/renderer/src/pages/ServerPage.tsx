import { useEffect, useState, type FormEvent, type ReactElement } from 'react'
import { useShallow } from 'zustand/react/shallow'
import {
  AppSettingsUpdate,
  describeIssues,
  type ServerProblem,
  type StoreLocationView,
  type UpstreamView
} from '@shared/ipc'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { CopyButton } from '../components/CopyButton'
import { ErrorBanner } from '../components/ErrorBanner'
import { Icon } from '../components/Icon'
import { PageHeader } from '../components/PageHeader'
import { formatTime } from '../lib/format'
import { messageOf } from '../lib/ipc'
import { useServer } from '../stores/server'
import { useUi } from '../stores/ui'
import { SetUpstreamDialog } from './UpstreamDialog'

/**
 * The first request to try, as the README and Langflow's docs write it (the key in LANGFLOW_API_KEY): one
 * argument a line with ` \` continuations, so it never wraps inside the URL and pastes as one command.
 */
export function curlExample(baseUrl: string): string {
  return ['curl \\', '  -H "x-api-key: $LANGFLOW_API_KEY" \\', `  ${baseUrl}/api/v1/users/whoami`].join('\n')
}

function statusTone(status: number): string {
  if (status >= 500) return 'badge--invalid'
  if (status >= 400) return 'badge--changed'
  return 'badge--active'
}

export function ServerPage(): ReactElement {
  const { status, settings, store, log, problems, busy, error } = useServer(
    useShallow((s) => ({
      status: s.status,
      settings: s.settings,
      store: s.store,
      log: s.log,
      problems: s.problems,
      busy: s.busy,
      error: s.error
    }))
  )
  const { load, refresh, start, stop, loadUpstream } = useServer(
    useShallow((s) => ({
      load: s.load,
      refresh: s.refresh,
      start: s.start,
      stop: s.stop,
      loadUpstream: s.loadUpstream
    }))
  )

  // Once on opening: then main's pushes keep the status and the request log current (stores/live.ts).
  useEffect(() => {
    void load()
    // Apart from load: the probe may take seconds when the upstream does not answer.
    void loadUpstream()
  }, [load, loadUpstream])

  const running = status?.running ?? false
  const baseUrl = status?.url ?? `http://127.0.0.1:${status?.port ?? settings?.serverPort ?? 7861}`

  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader
        title="Key server"
        subtitle="A local server that speaks Langflow's API, so Langflow's clients and flows can use your keys and variables."
      />
      {error && <ErrorBanner message={error} />}

      <div className="server-grid">
        <div className="card server-status">
          <div className="server-status__line">
            <span className={running ? 'status-dot status-dot--on' : 'status-dot'} aria-hidden="true" />
            <div>
              <div className="server-status__state" data-testid="server-state">
                {status === null ? 'Checking…' : running ? 'Running' : 'Stopped'}
              </div>
              <div className="muted">
                {running
                  ? 'Listening on this computer only.'
                  : 'Flows and scripts cannot reach FlowKeys now.'}
              </div>
            </div>
            <span className="toolbar__spacer" />
            {running ? (
              <button type="button" className="button" onClick={() => void stop()} disabled={busy}>
                <Icon name="stop" />
                <span>Stop</span>
              </button>
            ) : (
              <button
                type="button"
                className="button button--primary"
                onClick={() => void start()}
                disabled={busy || !status}
              >
                <Icon name="play" />
                <span>Start</span>
              </button>
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

        <div className="card">
          <div className="card__title-row">
            <Icon name="terminal" />
            <h2 className="card__title">Try it</h2>
          </div>
          <p className="muted">
            Put one of your API keys in <code>LANGFLOW_API_KEY</code>, then run:
          </p>
          <pre className="code-block code-block--shell" data-testid="curl-example">
            <code>{curlExample(baseUrl)}</code>
          </pre>
          <div className="row-end">
            <CopyButton text={curlExample(baseUrl)} what="Copy the curl command" />
          </div>
        </div>
      </div>

      <UpstreamCard />

      {problems.length > 0 && <ServerProblems problems={problems} dataDir={settings?.dataDir ?? null} />}

      <div className="card card--flush">
        <div className="card__title-row card__title-row--padded">
          <h2 className="card__title">Recent requests</h2>
          <span className="toolbar__spacer" />
          <button
            type="button"
            className="icon-button"
            aria-label="Refresh the request log"
            onClick={() => void refresh()}
          >
            <Icon name="refresh" />
          </button>
        </div>
        {log.length === 0 ? (
          <p className="empty__text empty__text--padded">
            No requests yet. Run the command above and it shows up here.
          </p>
        ) : (
          <table className="data-table" aria-label="Recent requests">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Method</th>
                <th scope="col">Path</th>
                <th scope="col">Key</th>
                <th scope="col" className="numeric">
                  Status
                </th>
              </tr>
            </thead>
            <tbody>
              {log.map((entry, i) => (
                <tr key={`${entry.time}:${i}`}>
                  <td className="muted nowrap">{formatTime(entry.time)}</td>
                  <td>
                    <span className="method">{entry.method}</span>
                  </td>
                  <td className="mono">{entry.path}</td>
                  <td>{entry.keyName ?? <span className="muted">—</span>}</td>
                  <td className="numeric">
                    <span className={`badge ${statusTone(entry.status)}`}>{entry.status}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  )
}

/**
 * The Langflow server flow runs called through FlowKeys go to (`flowkeys upstream show`): its URL, FlowKeys' key
 * for it (masked), where it was set, and a probe of it. Set and Clear only when the app decides it: when
 * FLOWKEYS_UPSTREAM_URL does, it is changed there.
 */
function UpstreamCard(): ReactElement {
  const { upstream, loaded, checking, error, loadUpstream, clearUpstream } = useServer(
    useShallow((s) => ({
      upstream: s.upstream,
      loaded: s.upstreamLoaded,
      checking: s.upstreamChecking,
      error: s.upstreamError,
      loadUpstream: s.loadUpstream,
      clearUpstream: s.clearUpstream
    }))
  )
  const toast = useUi((s) => s.toast)
  const [setting, setSetting] = useState(false)
  const [clearing, setClearing] = useState(false)
  const fromEnvironment = upstream?.source === 'environment'

  const confirmClear = async (): Promise<void> => {
    const cleared = await clearUpstream()
    toast(cleared ? 'Upstream cleared.' : 'No upstream was set.')
  }

  return (
    <section className="card" aria-labelledby="upstream-title" data-testid="upstream">
      <div className="card__title-row">
        <Icon name="server" />
        <h2 className="card__title" id="upstream-title">
          Upstream Langflow
        </h2>
        <span className="toolbar__spacer" />
        <button
          type="button"
          className="icon-button"
          aria-label="Check the upstream again"
          onClick={() => void loadUpstream()}
          disabled={checking}
        >
          <Icon name="refresh" />
        </button>
      </div>
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
            <button type="button" className="button button--danger-outline" onClick={() => setClearing(true)}>
              <Icon name="trash" />
              <span>Clear</span>
            </button>
          )}
          <button
            type="button"
            className={upstream ? 'button' : 'button button--primary'}
            onClick={() => setSetting(true)}
          >
            <Icon name={upstream ? 'edit' : 'plus'} />
            <span>Set upstream…</span>
          </button>
        </div>
      )}
      {setting && (
        <SetUpstreamDialog
          initialUrl={upstream?.source === 'data-dir' ? upstream.url : ''}
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
    </section>
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

/** The errors and warnings `flowkeys serve` would print; the app writes them to server.log too. */
function ServerProblems({
  problems,
  dataDir
}: {
  problems: ServerProblem[]
  dataDir: string | null
}): ReactElement {
  return (
    <div className="card card--flush">
      <div className="card__title-row card__title-row--padded">
        <Icon name="alert" />
        <h2 className="card__title">Errors and warnings</h2>
        <span className="toolbar__spacer" />
        <span className="muted" title={dataDir ?? undefined}>
          Also in <code>server.log</code>, in the data folder
        </span>
      </div>
      <table className="data-table" aria-label="Key server errors">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Level</th>
            <th scope="col">What happened</th>
          </tr>
        </thead>
        <tbody>
          {problems.map((problem, i) => (
            <tr key={`${problem.time}:${i}`}>
              <td className="muted nowrap">{formatTime(problem.time)}</td>
              <td>
                <span className={`badge ${problem.level === 'error' ? 'badge--invalid' : 'badge--changed'}`}>
                  {problem.level}
                </span>
              </td>
              <td className="mono">{problem.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function ServerSettings(): ReactElement {
  const { settings, saveSettings } = useServer(
    useShallow((s) => ({ settings: s.settings, saveSettings: s.saveSettings }))
  )
  const toast = useUi((s) => s.toast)
  const [port, setPort] = useState(String(settings?.serverPort ?? ''))
  const [autostart, setAutostart] = useState(settings?.autostart ?? true)
  const [error, setError] = useState<string | null>(null)
  const dirty = port !== String(settings?.serverPort) || autostart !== settings?.autostart

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const patch = { serverPort: Number(port), autostart }
    const checked = AppSettingsUpdate.safeParse(patch)
    if (!checked.success || !/^\d+$/.test(port)) {
      setError(
        checked.success
          ? 'Use a port from 1024 to 65535'
          : describeIssues(checked.error).replace(/^\w+: /, '')
      )
      return
    }
    try {
      await saveSettings(patch)
      setError(null)
      toast('Saved. A new port is used from the next start.')
    } catch (err) {
      setError(messageOf(err))
    }
  }

  return (
    <form className="server-settings" onSubmit={(e) => void save(e)} noValidate>
      <label className="field field--inline">
        <span className="field__label">Port</span>
        <input
          className="input input--port"
          inputMode="numeric"
          value={port}
          onChange={(e) => setPort(e.target.value)}
          aria-invalid={error !== null}
        />
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={autostart} onChange={(e) => setAutostart(e.target.checked)} />
        <span>Start with FlowKeys</span>
      </label>
      <span className="toolbar__spacer" />
      <button type="submit" className="button button--small" disabled={!dirty}>
        Save
      </button>
      {error && <p className="error-text server-settings__error">{error}</p>}
    </form>
  )
}
