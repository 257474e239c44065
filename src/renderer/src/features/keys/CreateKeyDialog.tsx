import { useEffect, useRef, useState, type ReactElement } from 'react'
import { KeyCreateRequest, type ResponseOf } from '@shared/ipc'
import { Banner } from '@renderer/components/Banner'
import { Button } from '@renderer/components/Button'
import { Dialog } from '@renderer/components/Dialog'
import { FormDialog } from '@renderer/components/DialogForm'
import { Field } from '@renderer/components/Field'
import { OnceShownSecret } from '@renderer/components/OnceShownSecret'
import { TextField } from '@renderer/components/TextField'
import { formatDate } from '@renderer/lib/format'
import { firstIssue } from '@renderer/lib/issues'
import { useSubmit } from '@renderer/lib/use-submit'
import { useKeys } from './store'

const EXPIRY_CHOICES = [
  { value: '', label: 'Never' },
  { value: '7', label: 'In 7 days' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In 1 year' }
]

/** The "Limit to flows" field as sent: comma-separated, trimmed, empty entries dropped; null (no limit) when empty. */
function parseFlowList(text: string): string[] | null {
  const flows = text
    .split(',')
    .map((flow) => flow.trim())
    .filter((flow) => flow !== '')
  return flows.length > 0 ? flows : null
}

/** The first rule a request breaks, for a person: which field, in the dialog's words. */
function createIssue(error: Parameters<typeof firstIssue>[0]): string {
  if (error.issues[0]?.path[0] === 'allowed_flows')
    return 'Limit to flows: list at most 100 flows, each at most 255 characters'
  return firstIssue(error)
}

/**
 * Creates a key and shows it once. The plaintext lives only in this component's state: closing the dialog
 * drops it, and nothing else in the renderer ever holds it.
 */
export function CreateKeyDialog({ onClose }: { onClose(): void }): ReactElement {
  const [name, setName] = useState('')
  const [expiry, setExpiry] = useState('')
  const [flows, setFlows] = useState('')
  const [created, setCreated] = useState<ResponseOf<'keys:create'> | null>(null)

  const request = {
    name,
    expiresInDays: expiry ? Number(expiry) : null,
    allowed_flows: parseFlowList(flows)
  }
  const submit = useSubmit(async () => setCreated(await useKeys.getState().create(request)), {
    check: () => {
      const checked = KeyCreateRequest.safeParse(request)
      return checked.success ? null : createIssue(checked.error)
    }
  })

  if (created) return <NewKeyDialog created={created} onClose={onClose} />

  return (
    <FormDialog
      title="Create an API key"
      description="A key lets a flow, a script or Langflow's clients call the key server as you."
      onClose={onClose}
      submit={submit}
      label="Create key"
      busyLabel="Creating…"
    >
      <TextField
        label="Name"
        hint="So you can tell your keys apart later."
        value={name}
        onChange={setName}
        placeholder="e.g. CI pipeline"
        maxLength={100}
        data-autofocus
        required
      />
      <Field label="Expires">
        {(control) => (
          <select {...control} className="input" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            {EXPIRY_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <TextField
        label="Limit to flows"
        hint="Flow ids or endpoint names, separated by commas. Empty: the key may run any flow."
        value={flows}
        onChange={setFlows}
        placeholder="Optional, e.g. support-bot, summarize"
        autoComplete="off"
        spellCheck={false}
      />
    </FormDialog>
  )
}

/**
 * Shows the new key once, in a focused field. Closing (×, Escape, Done) before the key was copied asks first,
 * inside the dialog: the key cannot be shown again.
 */
function NewKeyDialog({
  created,
  onClose
}: {
  created: ResponseOf<'keys:create'>
  onClose(): void
}): ReactElement {
  const [copied, setCopied] = useState(false)
  const [asking, setAsking] = useState(false)
  const stay = useRef<HTMLButtonElement>(null)
  const close = (): void => {
    if (copied) return onClose()
    setAsking(true)
  }
  useEffect(() => {
    if (asking) stay.current?.focus()
  }, [asking])

  return (
    <Dialog
      title="Your new API key"
      onClose={close}
      wide
      footer={
        asking ? (
          <div className="confirm-close" role="alert" data-testid="confirm-close">
            <span className="confirm-close__text">
              You have not copied this key. It will not be shown again. Close anyway?
            </span>
            <Button ref={stay} onClick={() => setAsking(false)}>
              Go back
            </Button>
            <Button variant="danger" onClick={onClose}>
              Close anyway
            </Button>
          </div>
        ) : (
          <Button onClick={close}>Done</Button>
        )
      }
    >
      <Banner tone="warning" icon="lock">
        <strong>Copy this key now. You will not see it again.</strong> FlowKeys keeps only a fingerprint of
        it, so it cannot show it to you later.
      </Banner>
      <div className="reveal">
        <div className="reveal__meta">
          <span className="reveal__name">{created.key.name}</span>
          <span className="muted">
            {created.key.expires_at ? `Expires ${formatDate(created.key.expires_at)}` : 'Never expires'}
          </span>
        </div>
        {created.key.allowed_flows && (
          <p className="hint" data-testid="new-key-flows">
            Runs only: {created.key.allowed_flows.join(', ')}
          </p>
        )}
        <OnceShownSecret
          value={created.api_key}
          label="The new API key"
          testId="new-api-key"
          copyWhat="Copy the API key"
          primary
          onCopied={() => {
            setCopied(true)
            setAsking(false)
          }}
        />
        <p className="hint">
          Send it in the <code>x-api-key</code> header. A copy leaves the clipboard after the delay above, if
          the clipboard still holds it.
        </p>
      </div>
    </Dialog>
  )
}
