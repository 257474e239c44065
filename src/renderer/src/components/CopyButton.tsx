import { useEffect, useState, type ReactElement } from 'react'
import { toast } from '@renderer/app/ui'
import { formatDelay } from '@renderer/lib/format'
import { api, call, messageOf } from '@renderer/lib/ipc'
import { Button } from './Button'

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

/**
 * Copies through main's clipboard path (a secret leaves the clipboard after the app's delay, if it is still
 * there) and says so in a toast, or why it could not. `onCopied` runs before the toast: the toast's store
 * update renders at once (in a microtask), and React renders the caller's state with it, so a key pressed
 * right after the copy (Escape on a once-shown key) already sees it.
 */
export async function copyToClipboard(
  text: string,
  secret: boolean,
  { onCopied }: { onCopied?(): void } = {}
): Promise<void> {
  try {
    const { clearsInSeconds } = await call(api().clipboard.copy({ text, secret }))
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

  const copy = (): Promise<void> =>
    copyToClipboard(text, secret, {
      onCopied: () => {
        setCopied(true)
        onCopied?.()
      }
    })

  return (
    <Button
      variant={primary ? 'primary' : undefined}
      icon={copied ? 'check' : 'copy'}
      onClick={() => void copy()}
      aria-label={copied ? `${what}: copied` : what}
    >
      {copied ? 'Copied' : label}
    </Button>
  )
}
