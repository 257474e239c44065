import type { ReactElement, ReactNode } from 'react'
import { Icon, type IconName } from './Icon'

/** A card's title row: an icon, the title (a heading the card may be labelled by), and actions at the end. */
export function CardTitle({
  icon,
  id,
  padded = false,
  actions,
  children
}: {
  icon?: IconName
  /** The heading's id, for the card's aria-labelledby. */
  id?: string
  /** In a flush card (a table to its edges), the row keeps the card's padding. */
  padded?: boolean
  /** At the end of the row, after a spacer. */
  actions?: ReactNode
  children: ReactNode
}): ReactElement {
  return (
    <div className={padded ? 'card__title-row card__title-row--padded' : 'card__title-row'}>
      {icon && <Icon name={icon} />}
      <h2 className="card__title" id={id}>
        {children}
      </h2>
      {actions && (
        <>
          <span className="toolbar__spacer" />
          {actions}
        </>
      )}
    </div>
  )
}

/** A card labelled by its title: a section, its title row, then what it holds. */
export function Card({
  id,
  icon,
  title,
  actions,
  testId,
  children
}: {
  /** The title's id: the section is labelled by it. */
  id: string
  icon: IconName
  title: ReactNode
  actions?: ReactNode
  testId?: string
  children: ReactNode
}): ReactElement {
  return (
    <section className="card" aria-labelledby={id} data-testid={testId}>
      <CardTitle icon={icon} id={id} actions={actions}>
        {title}
      </CardTitle>
      {children}
    </section>
  )
}
