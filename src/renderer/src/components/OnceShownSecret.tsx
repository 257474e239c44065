// What the once-shown secrets (a new API key, a new recovery key) share: the value in a focused read-only field,
// Copy, and the clipboard's clear delay as a setting next to it (kept in the app's preferences).
import { useEffect, useId, type ReactElement, type ReactNode } from 'react'
import { create } from 'zustand'
import { CLIPBOARD_CLEAR_CHOICES, CLIPBOARD_CLEAR_SECONDS } from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { useServer } from '@renderer/features/server/store'
import { formatDelay } from '@renderer/lib/format'
import { api, call, messageOf } from '@renderer/lib/ipc'
import { CopyButton } from './CopyButton'

interface ClipboardDelayState {
  /** Seconds (0: never); null until the settings answered. */
  seconds: number | null
  load(): Promise<void>
  choose(seconds: number): Promise<void>
}

const useClipboardDelay = create<ClipboardDelayState>()((set) => ({
  seconds: null,
  async load() {
    try {
      set({ seconds: (await call(api().app.settings())).clipboardClearSeconds })
    } catch {
      set({ seconds: CLIPBOARD_CLEAR_SECONDS })
    }
  },
  async choose(seconds) {
    const settings = await call(api().app.updateSettings({ clipboardClearSeconds: seconds }))
    set({ seconds: settings.clipboardClearSeconds })
    // The Server page shows the same settings: keep its copy true.
    if (useServer.getState().settings) useServer.setState({ settings })
  }
}))

/** "Clipboard clears in [30 s ▾]": the delay, changed where it matters. */
function ClipboardDelay(): ReactElement {
  const seconds = useClipboardDelay((s) => s.seconds)
  const id = useId()
  useEffect(() => {
    void useClipboardDelay.getState().load()
  }, [])
  const value = seconds ?? CLIPBOARD_CLEAR_SECONDS
  return (
    <span className="clipboard-delay" data-testid="clipboard-delay">
      <label htmlFor={id}>{value > 0 ? 'Clipboard clears in' : 'Clipboard clears'}</label>
      <select
        id={id}
        className="input input--compact"
        value={value}
        disabled={seconds === null}
        onChange={(e) => {
          useClipboardDelay
            .getState()
            .choose(Number(e.target.value))
            .catch((err: unknown) => toast(messageOf(err), 'error'))
        }}
      >
        {CLIPBOARD_CLEAR_CHOICES.map((choice) => (
          <option key={choice} value={choice}>
            {formatDelay(choice)}
          </option>
        ))}
      </select>
    </span>
  )
}

interface OnceShownSecretProps {
  value: string
  /** The field's accessible name ("The new API key"). */
  label: string
  testId: string
  /** The Copy button's accessible name ("Copy the API key"). */
  copyWhat: string
  /** Told when the value was copied (the Copy button, or a copy from the field). */
  onCopied(): void
  /** A larger, spaced field (a recovery key is read out and written down). */
  className?: string
  primary?: boolean
  /** More actions beside Copy (Print). */
  actions?: ReactNode
}

/**
 * The secret in a read-only field that has the focus when its dialog opens (Dialog focuses data-autofocus) and
 * selects itself, so Ctrl+C copies it too; Copy beside it, and the clipboard's clear delay.
 */
export function OnceShownSecret({
  value,
  label,
  testId,
  copyWhat,
  onCopied,
  className,
  primary,
  actions
}: OnceShownSecretProps): ReactElement {
  return (
    <div className="once-shown">
      <div className="secret-box">
        <input
          className={`secret-box__value secret-field mono${className ? ` ${className}` : ''}`}
          aria-label={label}
          data-testid={testId}
          value={value}
          readOnly
          spellCheck={false}
          autoComplete="off"
          data-autofocus
          onFocus={(e) => e.currentTarget.select()}
          onCopy={onCopied}
        />
      </div>
      <div className="once-shown__actions">
        <CopyButton text={value} secret what={copyWhat} primary={primary} onCopied={onCopied} />
        {actions}
        <span className="toolbar__spacer" />
        <ClipboardDelay />
      </div>
    </div>
  )
}
