import { useEffect, type ReactElement } from 'react'
import { Icon, type IconName } from './components/Icon'
import { Toasts } from './components/Toasts'
import { ImportPage } from './pages/ImportPage'
import { KeysPage } from './pages/KeysPage'
import { ServerPage } from './pages/ServerPage'
import { UsersPage } from './pages/UsersPage'
import { VariablesPage } from './pages/VariablesPage'
import { useServer } from './stores/server'
import { useUi, type Page } from './stores/ui'

const NAV: { page: Page; label: string; icon: IconName; superuserOnly?: boolean }[] = [
  { page: 'keys', label: 'API keys', icon: 'key' },
  { page: 'variables', label: 'Global variables', icon: 'braces' },
  { page: 'import', label: 'Import .env', icon: 'upload' },
  { page: 'server', label: 'Key server', icon: 'server' },
  { page: 'users', label: 'Users', icon: 'users', superuserOnly: true }
]

const PAGES: Record<Page, () => ReactElement> = {
  keys: KeysPage,
  variables: VariablesPage,
  import: ImportPage,
  server: ServerPage,
  users: UsersPage
}

function ServerPill(): ReactElement {
  const status = useServer((s) => s.status)
  const refresh = useServer((s) => s.refresh)
  useEffect(() => {
    void refresh()
    const timer = setInterval(() => void refresh(), 5000)
    return () => clearInterval(timer)
  }, [refresh])
  const running = status?.running ?? false
  return (
    <div className="sidebar__server" aria-live="polite">
      <span className={running ? 'status-dot status-dot--on' : 'status-dot'} aria-hidden="true" />
      <span>
        {status === null ? 'Key server' : running ? `Serving on :${status.port}` : 'Server stopped'}
      </span>
    </div>
  )
}

export function App(): ReactElement {
  const { page, me, go, loadMe } = useUi()
  useEffect(() => {
    void loadMe()
  }, [loadMe])

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
      <Toasts />
    </div>
  )
}
