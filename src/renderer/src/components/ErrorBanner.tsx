import type { ReactElement } from 'react'
import { Icon } from './Icon'

export function ErrorBanner({ message, onRetry }: { message: string; onRetry?: () => void }): ReactElement {
  return (
    <div className="banner banner--error" role="alert">
      <Icon name="alert" />
      <span className="banner__text">{message}</span>
      {onRetry && (
        <button type="button" className="button button--small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  )
}
