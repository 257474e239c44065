import { useState, type InputHTMLAttributes, type ReactElement, type ReactNode, type Ref } from 'react'
import { Field } from './Field'
import { IconButton } from './IconButton'

type InputProps = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'value' | 'onChange' | 'className' | 'aria-describedby'
>

interface TextFieldProps extends InputProps {
  label: ReactNode
  hint?: ReactNode
  /**
   * What is wrong with the value as typed, shown in place of the hint; the input is marked invalid while it is a
   * message, and valid (aria-invalid="false") while it is false. Left out: the field is not checked as you type.
   */
  error?: string | false
  errorTestId?: string
  value: string
  /** The new text (a read-only field has none). */
  onChange?(value: string): void
  /** The input's classes: "input", or "input mono" for names and secrets. */
  className?: string
  /** A password field with an eye button beside it that shows the text, and hides it again. */
  revealable?: boolean
  ref?: Ref<HTMLInputElement>
}

/**
 * A labelled text input (Field): its hint, or what is wrong with the value, below it. The dialogs' fields are
 * all one of these.
 */
export function TextField({
  label,
  hint,
  error,
  errorTestId,
  onChange,
  className = 'input',
  revealable = false,
  ...input
}: TextFieldProps): ReactElement {
  const [shown, setShown] = useState(false)
  const validity = error === undefined ? {} : { 'aria-invalid': error !== false }
  const shownHint = error ? (
    <span className="error-text" data-testid={errorTestId}>
      {error}
    </span>
  ) : (
    hint
  )
  return (
    <Field label={label} hint={shownHint}>
      {(control) => {
        const field = (
          <input
            {...control}
            className={className}
            {...(revealable ? { type: shown ? 'text' : 'password' } : {})}
            {...input}
            {...validity}
            onChange={onChange && ((e) => onChange(e.target.value))}
          />
        )
        if (!revealable) return field
        return (
          <span className="input-with-button">
            {field}
            <IconButton
              icon={shown ? 'eyeOff' : 'eye'}
              label={shown ? 'Hide the value' : 'Show the value'}
              aria-pressed={shown}
              onClick={() => setShown(!shown)}
            />
          </span>
        )
      }}
    </Field>
  )
}
