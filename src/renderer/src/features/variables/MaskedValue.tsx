import { useState, type ReactElement } from 'react'
import type { VariableView } from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { Icon } from '@renderer/components/Icon'
import { api, call, messageOf } from '@renderer/lib/ipc'

function CopyValueButton({ variable, value }: { variable: VariableView; value: string }): ReactElement {
  const copy = async (): Promise<void> => {
    try {
      const { clearsInSeconds } = await call(api().clipboard.copy({ text: value, secret: true }))
      toast(
        clearsInSeconds
          ? `Copied. The clipboard is cleared in ${clearsInSeconds} s.`
          : 'Copied to the clipboard.'
      )
    } catch (error) {
      toast(messageOf(error), 'error')
    }
  }
  return (
    <button
      type="button"
      className="icon-button icon-button--small"
      aria-label={`Copy the value of ${variable.name}`}
      title="Copy"
      onClick={() => void copy()}
    >
      <Icon name="copy" size={14} />
    </button>
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
          <button
            type="button"
            className="icon-button icon-button--small"
            aria-label={`Reveal the value of ${variable.name}`}
            title="Reveal (asks for your password)"
            onClick={onReveal}
          >
            <Icon name="eye" size={14} />
          </button>
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
      <button
        type="button"
        className="icon-button icon-button--small"
        aria-label={shown ? `Hide the value of ${variable.name}` : `Show the value of ${variable.name}`}
        aria-pressed={shown}
        onClick={() => setShown(!shown)}
      >
        <Icon name={shown ? 'eyeOff' : 'eye'} size={14} />
      </button>
      <CopyValueButton variable={variable} value={variable.value} />
    </span>
  )
}
