import { useEffect, useState, type ReactElement } from 'react'
import type { StartupState } from '@shared/ipc'
import { subscribeToPushes } from './app/live'
import { Toasts } from './app/Toasts'
import { useUi, type Page } from './app/ui'
import { Icon, type IconName } from './components/Icon'
import { ImportPage } from './features/import/ImportPage'
import { KeysPage } from './features/keys/KeysPage'
import { ServerPage } from './features/server/ServerPage'
import { useServer } from './features/server/store'
import { UsersPage } from './features/users/UsersPage'
import { VariablesPage } from './features/variables/VariablesPage'
import { RecoveryKeyOffer } from './features/vault/RecoveryKeyOffer'
import { VaultPage } from './features/vault/VaultPage'
import { api, call, messageOf } from './lib/ipc'

const NAV: { page: Page; label: string; icon: IconName; superuserOnly?: boolean }[] = [
  { page: 'keys', label: 'API keys', icon: 'key' },
  { page: 'variables', label: 'Global variables', icon: 'braces' },
  { page: 'import', label: 'Import .env', icon: 'upload' },
  { page: 'server', label: 'Key server', icon: 'server' },
  { page: 'vault', label: 'Vault', icon: 'shield', superuserOnly: true },
  { page: 'users', label: 'Users', icon: 'users', superuserOnly: true }
]

const PAGES: Record<Page, () => ReactElement> = {
  keys: KeysPage,
  variables: VariablesPage,
  import: ImportPage,
  server: ServerPage,
  vault: VaultPage,
  users: UsersPage
}

function ServerPill(): ReactElement {
  const status = useServer((s) => s.status)
  const loadStatus = useServer((s) => s.loadStatus)
  // Once: the `server:changed` pushes (subscribed by Workspace) keep it current.
  useEffect(() => {
    void loadStatus()
  }, [loadStatus])
  const running = status?.running ?? false
  return (
    <div
      className="sidebar__server"
      aria-live="polite"
      title={status === null ? 'Key server' : running ? `Serving on :${status.port}` : 'Server stopped'}
    >
      <span className={running ? 'status-dot status-dot--on' : 'status-dot'} aria-hidden="true" />
      <span>
        {status === null ? 'Key server' : running ? `Serving on :${status.port}` : 'Server stopped'}
      </span>
    </div>
  )
}

const STARTUP_POLL_MS = 500

/** Main's start, asked until it is ready or failed: opening the core may wait for the OS keychain. */
function useStartup(): StartupState | null {
  const [state, setState] = useState<StartupState | null>(null)
  useEffect(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = async (): Promise<void> => {
      let next: StartupState
      try {
        next = await call(api().app.startup())
      } catch (error) {
        next = { phase: 'failed', message: messageOf(error) }
      }
      if (stopped) return
      setState(next)
      if (next.phase !== 'ready' && next.phase !== 'failed')
        timer = setTimeout(() => void poll(), STARTUP_POLL_MS)
    }
    void poll()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [])
  return state
}

function startupText(state: StartupState | null): { icon: IconName; title: string; text: string } {
  switch (state?.phase) {
    case 'keychain':
      return {
        icon: 'lock',
        title: 'Waiting for the keychain',
        text: 'FlowKeys keeps its vault key in your OS keychain. Unlock the keychain in the prompt your system shows (it may be behind this window), and FlowKeys goes on.'
      }
    case 'failed':
      return {
        icon: 'alert',
        title: 'FlowKeys could not start',
        text: `${state.message ?? 'The details are in the app log.'} Close FlowKeys, fix this, and open it again.`
      }
    case 'stopping':
      return {
        icon: 'key',
        title: 'FlowKeys is quitting…',
        text: 'Saving usage counts and stopping the key server.'
      }
    default:
      return { icon: 'key', title: 'Starting FlowKeys…', text: 'Opening your keys and variables.' }
  }
}

/** What the window shows until the core is open: what the start waits for, or why it failed. */
function StartupScreen({ state }: { state: StartupState | null }): ReactElement {
  const { icon, title, text } = startupText(state)
  return (
    <main className="content" id="main">
      <section className="page" aria-labelledby="startup-title">
        <div
          className="empty"
          role={state?.phase === 'failed' ? 'alert' : 'status'}
          data-testid="startup"
          data-phase={state?.phase ?? 'starting'}
        >
          <div className="empty__icon">
            <Icon name={icon} size={28} />
          </div>
          <h1 className="empty__title" id="startup-title">
            {title}
          </h1>
          <p className="empty__text">{text}</p>
        </div>
      </section>
    </main>
  )
}

export function App(): ReactElement {
  const startup = useStartup()
  return startup?.phase === 'ready' ? <Workspace /> : <StartupScreen state={startup} />
}

function Workspace(): ReactElement {
  const { page, me, go, loadMe } = useUi()
  useEffect(() => {
    void loadMe()
  }, [loadMe])
  // Main's pushes, once for the window (in the same commit as the pages' first fetches: none is missed).
  useEffect(() => subscribeToPushes(), [])

  const items = NAV.filter((item) => !item.superuserOnly || me?.is_superuser)
  const Current = PAGES[page]

  return (
    <div className="layout">
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">
          <span className="brand__mark" aria-hidden="true">
            <Icon name="key" size={18} />
          </span>
          <span className="brand__name">FlowKeys</span>
        </div>
        <ul className="nav">
          {items.map((item) => (
            <li key={item.page}>
              <button
                type="button"
                className={page === item.page ? 'nav__item nav__item--active' : 'nav__item'}
                aria-current={page === item.page ? 'page' : undefined}
                aria-label={item.label}
                title={item.label}
                onClick={() => go(item.page)}
              >
                <Icon name={item.icon} />
                <span>{item.label}</span>
              </button>
            </li>
          ))}
        </ul>
        <div className="sidebar__footer">
          <ServerPill />
          <div className="sidebar__meta">
            {me ? (
              <span title="FlowKeys acts as this user">
                {me.username}
                {me.is_superuser ? ' · superuser' : ''}
              </span>
            ) : null}
            <span>v{window.flowkeys.appVersion}</span>
          </div>
        </div>
      </nav>
      <main className="content" id="main">
        <Current key={page} />
      </main>
      <RecoveryKeyOffer />
      <Toasts />
    </div>
  )
}
