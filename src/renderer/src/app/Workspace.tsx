import { useEffect, type ReactElement, type ReactNode } from 'react'
import { subscribeToPushes } from './live'
import { useUi } from './ui'

/**
 * The window once the core is open: who FlowKeys acts as, and main's pushes, once for the window. Its effects run
 * in the same commit as the first fetches of what it holds (the page's list), after them: no push is missed.
 */
export function Workspace({ children }: { children: ReactNode }): ReactElement {
  useEffect(() => {
    void useUi.getState().loadMe()
  }, [])
  useEffect(() => subscribeToPushes(), [])
  return <div className="layout">{children}</div>
}
