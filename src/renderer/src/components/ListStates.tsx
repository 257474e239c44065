import type { ReactElement, ReactNode } from 'react'
import { ErrorBanner } from './Banner'

/**
 * A list page's states: why the list could not load (with Try again), the empty state once it loaded with
 * nothing in it, else the list (while it loads too: it shows no rows yet).
 */
export function ListStates({
  error,
  onRetry,
  empty,
  emptyState,
  children
}: {
  error: string | null
  onRetry(): void
  /** Loaded, with nothing in it. */
  empty: boolean
  emptyState: ReactNode
  children: ReactNode
}): ReactElement {
  return (
    <>
      {error && <ErrorBanner message={error} onRetry={onRetry} />}
      {empty && !error ? emptyState : children}
    </>
  )
}
