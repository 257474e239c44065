import { useState, type ReactElement } from 'react'
import type { VariableView } from '@shared/ipc'
import { copyToClipboard } from '@renderer/components/CopyButton'
import { Icon } from '@renderer/components/Icon'
import { IconButton } from '@renderer/components/IconButton'

/**
 * Copies a Generic value through main's clipboard path, which clears it later if it is still there. Its toast
 * gives the delay in seconds.
 */
function CopyValueButton({ variable, value }: { variable: VariableView; value: string }): ReactElement {
  return (
    <IconButton
      icon="copy"
      iconSize={14}
      label={`Copy the value of ${variable.name}`}
      small
      title="Copy"
      onClick={() => void copyToClipboard(value, true)}
    />
  )
}

/**
 * A value in the table: a Credential as dots with its reveal button; a Generic one hidden until its eye button
 * shows it, with Copy.
 */
export function MaskedValue({
  variable,
  onReveal
}: {
  variable: VariableView
  onReveal(): void
}): ReactElement {
  const [shown, setShown] = useState(false)
  if (variable.type === 'Credential' || variable.value === null) {
    return (
      <span className="masked">
        <Icon name="lock" size={12} />
        <span aria-label="hidden value" title="A Credential: shown only after your password">
          ••••••
        </span>
        {variable.type === 'Credential' && (
          <IconButton
            icon="eye"
            iconSize={14}
            label={`Reveal the value of ${variable.name}`}
            small
            title="Reveal (asks for your password)"
            onClick={onReveal}
          />
        )}
      </span>
    )
  }
  return (
    <span className="masked">
      <span
        className={shown ? 'mono masked__value' : 'masked__value'}
        title={shown ? variable.value : undefined}
      >
        {shown ? variable.value : '••••••'}
      </span>
      <IconButton
        icon={shown ? 'eyeOff' : 'eye'}
        iconSize={14}
        label={shown ? `Hide the value of ${variable.name}` : `Show the value of ${variable.name}`}
        small
        aria-pressed={shown}
        onClick={() => setShown(!shown)}
      />
      <CopyValueButton variable={variable} value={variable.value} />
    </span>
  )
}
