import type { ReactElement, ReactNode } from 'react'
import { Button } from './Button'
import { Icon, type IconName } from './Icon'

/** A line across its place: what went wrong (announced at once), or a warning to read before going on. */
export function Banner({
  tone,
  icon,
  testId,
  action,
  children
}: {
  tone: 'error' | 'warning'
  icon: IconName
  testId?: string
  /** A button at the end of the line. */
  action?: ReactNode
  children: ReactNode
}): ReactElement {
  return (
    <div className={`banner banner--${tone}`} role={tone === 'error' ? 'alert' : 'note'} data-testid={testId}>
      <Icon name={icon} />
      <span className="banner__text">{children}</span>
      {action}
    </div>
  )
}

/** Why something failed, with Try again when it can be tried again. */
export function ErrorBanner({ message, onRetry }: { message: string; onRetry?: () => void }): ReactElement {
  return (
    <Banner
      tone="error"
      icon="alert"
      action={
        onRetry && (
          <Button small onClick={onRetry}>
            Try again
          </Button>
        )
      }
    >
      {message}
    </Banner>
  )
}
