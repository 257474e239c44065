import { useEffect, useState, type ReactElement } from 'react'
import { toast } from '@renderer/app/ui'
import { formatDelay } from '@renderer/lib/format'
import { api, call, messageOf } from '@renderer/lib/ipc'
import { Icon } from './Icon'

interface CopyButtonProps {
  text: string
  /** A secret is cleared from the clipboard later (the app's setting), if it is still there. */
  secret?: boolean
  label?: string
  /** What the copied thing is, for screen readers ("Copy the API key"). */
  what: string
  primary?: boolean
  /** Told once the text is on the clipboard. */
  onCopied?(): void
}

export function CopyButton({
  text,
  secret = false,
  label = 'Copy',
  what,
  primary,
  onCopied
}: CopyButtonProps): ReactElement {
  const [copied, setCopied] = useState(false)
  useEffect(() => {
    if (!copied) return
    const timer = setTimeout(() => setCopied(false), 2000)
    return () => clearTimeout(timer)
  }, [copied])

  const copy = async (): Promise<void> => {
    try {
      const { clearsInSeconds } = await call(api().clipboard.copy({ text, secret }))
      setCopied(true)
      onCopied?.()
      toast(
        clearsInSeconds
          ? `Copied. The clipboard is cleared in ${formatDelay(clearsInSeconds)}.`
          : 'Copied to the clipboard.'
      )
    } catch (error) {
      toast(messageOf(error), 'error')
    }
  }

  return (
    <button
      type="button"
      className={primary ? 'button button--primary' : 'button'}
      onClick={() => void copy()}
      aria-label={copied ? `${what}: copied` : what}
    >
      <Icon name={copied ? 'check' : 'copy'} />
      <span>{copied ? 'Copied' : label}</span>
    </button>
  )
}
