import { useRef, useState, type ReactElement } from 'react'
import { Banner } from '@renderer/components/Banner'
import { Button } from '@renderer/components/Button'
import { Checkbox } from '@renderer/components/Checkbox'
import { Dialog } from '@renderer/components/Dialog'
import { OnceShownSecret } from '@renderer/components/OnceShownSecret'

/**
 * Shows a new recovery key once. Its text lives only in this dialog's props: closing drops it. The dialog
 * closes (Done, Escape, ×) only once "I have written it down" is ticked: the key cannot be shown again.
 */
export function RecoveryKeyDialog({
  recoveryKey,
  onClose
}: {
  recoveryKey: string
  onClose(): void
}): ReactElement {
  const [written, setWritten] = useState(false)
  const [reminded, setReminded] = useState(false)
  const checkbox = useRef<HTMLInputElement>(null)
  const close = (): void => {
    if (written) return onClose()
    setReminded(true)
    checkbox.current?.focus()
  }

  return (
    <Dialog
      title="Your recovery key"
      onClose={close}
      wide
      footer={
        <Button variant="primary" onClick={onClose} disabled={!written}>
          Done
        </Button>
      }
    >
      <Banner tone="warning" icon="lock">
        <strong>Write it down or print it now. You will not see it again.</strong> Keep it away from this
        computer: if the OS keychain loses the vault key, this key brings it back (
        <code>flowkeys recover</code>). FlowKeys keeps no copy of it.
      </Banner>
      <div className="reveal">
        <OnceShownSecret
          value={recoveryKey}
          label="Recovery key"
          testId="recovery-key"
          copyWhat="Copy the recovery key"
          className="recovery-key"
          // Copying is not enough here: "I have written it down" decides (a clipboard is cleared).
          onCopied={() => undefined}
          actions={
            <Button icon="file" onClick={() => window.print()}>
              Print
            </Button>
          }
        />
        <p className="hint">Paper is safer than a file on this computer.</p>
        <Checkbox ref={checkbox} label="I have written it down" checked={written} onChange={setWritten} />
        {reminded && !written && (
          <p className="error-text" role="alert">
            Tick “I have written it down” first: this key cannot be shown again.
          </p>
        )}
      </div>
      <PrintSheet recoveryKey={recoveryKey} />
    </Dialog>
  )
}

/** What Print puts on paper (the print stylesheet hides everything else): the key and how to use it. */
function PrintSheet({ recoveryKey }: { recoveryKey: string }): ReactElement {
  return (
    <div className="print-sheet" aria-hidden="true">
      <h1>FlowKeys recovery key</h1>
      <p className="print-sheet__key">{recoveryKey}</p>
      <p>Made on {new Date().toLocaleDateString()}.</p>
      <p>
        If the OS keychain loses FlowKeys&apos; vault key, run <code>flowkeys recover</code> and type this key
        to put the vault key back. A new recovery key replaces this one. Keep this sheet away from the
        computer.
      </p>
    </div>
  )
}
