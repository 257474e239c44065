import { useId, type ReactElement, type ReactNode } from 'react'

interface ControlProps {
  id: string
  'aria-describedby': string | undefined
}

/**
 * A labelled form control with an optional hint. The label names the control; the hint describes it
 * (aria-describedby), so a screen reader reads "Name, edit text" and then the hint, not both as the name.
 */
export function Field({
  label,
  hint,
  children
}: {
  label: ReactNode
  hint?: ReactNode
  children: (control: ControlProps) => ReactNode
}): ReactElement {
  const id = useId()
  const hintId = useId()
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({ id, 'aria-describedby': hint ? hintId : undefined })}
      {hint && (
        <span id={hintId} className="field__hint">
          {hint}
        </span>
      )}
    </div>
  )
}
