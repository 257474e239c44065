import { useId, useState, type ReactElement } from 'react'
import { UpstreamSetRequest, UPSTREAM_KEY_MAX, UPSTREAM_URL_MAX, describeIssues } from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { Dialog } from '@renderer/components/Dialog'
import { DialogForm } from '@renderer/components/DialogForm'
import { Field } from '@renderer/components/Field'
import { messageOf } from '@renderer/lib/ipc'
import { useSubmit } from '@renderer/lib/use-submit'
import { useServer } from './store'

/** The first rule a request breaks, without the field name (the dialog shows one message at a time). */
const firstIssue = (error: Parameters<typeof describeIssues>[0]): string =>
  (describeIssues(error).split('; ')[0] ?? '').replace(/^\w+: /, '')

/**
 * `flowkeys upstream set` in a dialog: the Langflow server's URL and FlowKeys' API key for it. The key is a
 * password field with no reveal; it lives only in this dialog's state (closing the dialog unmounts it) and goes
 * to main once, where the vault encrypts it. No answer ever carries it back.
 */
export function SetUpstreamDialog({
  initialUrl,
  onClose
}: {
  initialUrl: string
  onClose(): void
}): ReactElement {
  const setUpstream = useServer((s) => s.setUpstream)
  const [url, setUrl] = useState(initialUrl)
  const [apiKey, setApiKey] = useState('')
  const [allowPlainHttp, setAllowPlainHttp] = useState(false)
  const plainHttpHint = useId()

  const close = (): void => {
    setApiKey('')
    onClose()
  }

  const request = { url, api_key: apiKey, ...(allowPlainHttp ? { allow_plain_http: true } : {}) }
  const submit = useSubmit(
    async () => {
      const saved = await setUpstream(request)
      toast(
        saved.problem
          ? `Upstream set: ${saved.url}. It has a problem: see below.`
          : `Upstream set: ${saved.url}.`,
        saved.problem ? 'info' : 'success'
      )
      close()
    },
    {
      check: () => {
        const checked = UpstreamSetRequest.safeParse(request)
        return checked.success ? null : firstIssue(checked.error)
      },
      // The core's refusal, one line (a bad URL, plain http to another host, a key a header cannot carry).
      describe: (err) => messageOf(err).split('\n')[0] ?? ''
    }
  )

  return (
    <Dialog
      title="Set the upstream Langflow"
      description="The Langflow server that runs the flows called through FlowKeys, and FlowKeys' API key for it."
      onClose={close}
    >
      <DialogForm submit={submit} onCancel={close} label="Save upstream" busyLabel="Checking…">
        <Field label="URL" hint="Its address, as you would open it in a browser.">
          {(control) => (
            <input
              {...control}
              className="input"
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="http://127.0.0.1:7860"
              maxLength={UPSTREAM_URL_MAX}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
            />
          )}
        </Field>
        <Field
          label="API key"
          hint="A Langflow API key of that server. Stored encrypted in the data folder; it is never shown again."
        >
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
              maxLength={UPSTREAM_KEY_MAX}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        <div className="field">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={allowPlainHttp}
              onChange={(e) => setAllowPlainHttp(e.target.checked)}
              aria-describedby={plainHttpHint}
            />
            <span>Allow plain http on a private network</span>
          </label>
          <span id={plainHttpHint} className="field__hint">
            Otherwise http:// goes only to this computer: the key and your credentials would cross the network
            in clear.
          </span>
        </div>
      </DialogForm>
    </Dialog>
  )
}
