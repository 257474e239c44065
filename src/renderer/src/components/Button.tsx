import type { ButtonHTMLAttributes, ReactElement, ReactNode, Ref } from 'react'
import { Icon, type IconName } from './Icon'

interface ButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'className' | 'type'> {
  /** The main action of its place (primary), a destructive one (danger), or one that asks first (danger-outline). */
  variant?: 'primary' | 'danger' | 'danger-outline'
  small?: boolean
  /** Drawn before the label. */
  icon?: IconName
  iconSize?: number
  type?: 'button' | 'submit'
  ref?: Ref<HTMLButtonElement>
  children: ReactNode
}

/** A labelled button (an icon-only one is an .icon-button with an aria-label). */
export function Button({
  variant,
  small = false,
  icon,
  iconSize,
  type = 'button',
  children,
  ...button
}: ButtonProps): ReactElement {
  const className = `button${small ? ' button--small' : ''}${variant ? ` button--${variant}` : ''}`
  return (
    <button type={type} className={className} {...button}>
      {icon ? (
        <>
          <Icon name={icon} size={iconSize} />
          <span>{children}</span>
        </>
      ) : (
        children
      )}
    </button>
  )
}
