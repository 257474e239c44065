import type { ButtonHTMLAttributes, ReactElement } from 'react'
import { Icon, type IconName } from './Icon'

interface IconButtonProps extends Omit<
  ButtonHTMLAttributes<HTMLButtonElement>,
  'className' | 'type' | 'aria-label' | 'children'
> {
  icon: IconName
  iconSize?: number
  /** Its accessible name: it has no text ("Edit OPENAI_API_KEY"). */
  label: string
  /** Red: it deletes. */
  danger?: boolean
  /** Smaller, inside a table cell's text. */
  small?: boolean
}

/** A button that is only an icon; its name is for screen readers (and its title for the pointer, if given). */
export function IconButton({
  icon,
  iconSize,
  label,
  danger = false,
  small = false,
  ...button
}: IconButtonProps): ReactElement {
  const className = `icon-button${small ? ' icon-button--small' : ''}${danger ? ' icon-button--danger' : ''}`
  return (
    <button type="button" className={className} aria-label={label} {...button}>
      <Icon name={icon} size={iconSize} />
    </button>
  )
}
