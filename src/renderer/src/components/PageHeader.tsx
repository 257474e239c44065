import type { ReactElement, ReactNode } from 'react'

export function PageHeader({
  title,
  subtitle,
  actions
}: {
  title: string
  subtitle?: ReactNode
  actions?: ReactNode
}): ReactElement {
  return (
    <header className="page__header">
      <div>
        <h1 id="page-title" className="page__title">
          {title}
        </h1>
        {subtitle && <p className="page__subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page__actions">{actions}</div>}
    </header>
  )
}
