import type { InputHTMLAttributes, ReactElement, ReactNode, Ref } from 'react'

interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'checked' | 'onChange'> {
  /** What ticking it means; it names the box. */
  label: ReactNode
  checked: boolean
  onChange(checked: boolean): void
  ref?: Ref<HTMLInputElement>
}

/** A checkbox inside its label, so a click on the words ticks it too. */
export function Checkbox({ label, checked, onChange, ...input }: CheckboxProps): ReactElement {
  return (
    <label className="checkbox">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} {...input} />
      <span>{label}</span>
    </label>
  )
}
