import { useId, type InputHTMLAttributes, type ReactElement, type ReactNode, type Ref } from 'react'

interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'checked' | 'onChange'> {
  /** What ticking it means; it names the box. */
  label: ReactNode
  /** A line under it saying what follows from ticking it (it describes the box). */
  hint?: ReactNode
  checked: boolean
  onChange(checked: boolean): void
  ref?: Ref<HTMLInputElement>
}

/** A checkbox inside its label, so a click on the words ticks it too; with its hint under it when given. */
export function Checkbox({ label, hint, checked, onChange, ...input }: CheckboxProps): ReactElement {
  const hintId = useId()
  const box = (
    <label className="checkbox">
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={hint ? hintId : undefined}
        {...input}
      />
      <span>{label}</span>
    </label>
  )
  if (!hint) return box
  return (
    <div className="field">
      {box}
      <span id={hintId} className="field__hint">
        {hint}
      </span>
    </div>
  )
}
