import { useEffect, type ReactElement } from 'react'
import { Icon, type IconName } from '@renderer/components/Icon'
import { useServer } from '@renderer/features/server/store'
import { useUi, type Page } from './ui'

const NAV: { page: Page; label: string; icon: IconName; superuserOnly?: boolean }[] = [
  { page: 'keys', label: 'API keys', icon: 'key' },
  { page: 'variables', label: 'Global variables', icon: 'braces' },
  { page: 'import', label: 'Import .env', icon: 'upload' },
  { page: 'server', label: 'Key server', icon: 'server' },
  { page: 'vault', label: 'Vault', icon: 'shield', superuserOnly: true },
  { page: 'users', label: 'Users', icon: 'users', superuserOnly: true }
]

/** The sections (superuser-only ones for a superuser), the key server's state, and who FlowKeys acts as. */
export function Sidebar(): ReactElement {
  const page = useUi((s) => s.page)
  const me = useUi((s) => s.me)
  const items = NAV.filter((item) => !item.superuserOnly || me?.is_superuser)

  return (
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
              onClick={() => useUi.getState().go(item.page)}
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
  )
}

function ServerPill(): ReactElement {
  const status = useServer((s) => s.status)
  // Once: the `server:changed` pushes (subscribed by Workspace) keep it current.
  useEffect(() => {
    void useServer.getState().loadStatus()
  }, [])
  const running = status?.running ?? false
  const text = status === null ? 'Key server' : running ? `Serving on :${status.port}` : 'Server stopped'
  return (
    <div className="sidebar__server" aria-live="polite" title={text}>
      <span className={running ? 'status-dot status-dot--on' : 'status-dot'} aria-hidden="true" />
      <span>{text}</span>
    </div>
  )
}
