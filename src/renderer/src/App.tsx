import type { ReactElement } from 'react'
import { Sidebar } from './app/Sidebar'
import { StartupScreen, useStartup } from './app/Startup'
import { Toasts } from './app/Toasts'
import { useUi, type Page } from './app/ui'
import { Workspace } from './app/Workspace'
import { ImportPage } from './features/import/ImportPage'
import { KeysPage } from './features/keys/KeysPage'
import { ServerPage } from './features/server/ServerPage'
import { UsersPage } from './features/users/UsersPage'
import { VariablesPage } from './features/variables/VariablesPage'
import { RecoveryKeyOffer } from './features/vault/RecoveryKeyOffer'
import { VaultPage } from './features/vault/VaultPage'

const PAGES: Record<Page, () => ReactElement> = {
  keys: KeysPage,
  variables: VariablesPage,
  import: ImportPage,
  server: ServerPage,
  vault: VaultPage,
  users: UsersPage
}

/** The page the sidebar chose: the only part of the window that follows the ui store's `page`. */
function CurrentPage(): ReactElement {
  const page = useUi((s) => s.page)
  const Current = PAGES[page]
  return (
    <main className="content" id="main">
      <Current key={page} />
    </main>
  )
}

export function App(): ReactElement {
  const startup = useStartup()
  if (startup?.phase !== 'ready') return <StartupScreen state={startup} />
  return (
    <Workspace>
      <Sidebar />
      <CurrentPage />
      <RecoveryKeyOffer />
      <Toasts />
    </Workspace>
  )
}
