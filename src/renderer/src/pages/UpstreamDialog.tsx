import { useId, useState, type FormEvent, type ReactElement } from 'react'
import { UpstreamSetRequest, UPSTREAM_KEY_MAX, UPSTREAM_URL_MAX, describeIssues } from '@shared/ipc'
import { Dialog } from '../components/Dialog'
import { ErrorBanner } from '../components/ErrorBanner'
import { Field } from '../components/Field'
import { messageOf } from '../lib/ipc'
import { useServer } from '../stores/server'
import { useUi } from '../stores/ui'

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
  const toast = useUi((s) => s.toast)
  const [url, setUrl] = useState(initialUrl)
  const [apiKey, setApiKey] = useState('')
  const [allowPlainHttp, setAllowPlainHttp] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const plainHttpHint = useId()

  const close = (): void => {
    setApiKey('')
    onClose()
  }

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const request = { url, api_key: apiKey, ...(allowPlainHttp ? { allow_plain_http: true } : {}) }
    const checked = UpstreamSetRequest.safeParse(request)
    if (!checked.success) {
      setError(firstIssue(checked.error))
      return
    }
    setBusy(true)
    setError(null)
    try {
      const saved = await setUpstream(request)
      toast(
        saved.problem
          ? `Upstream set: ${saved.url}. It has a problem: see below.`
          : `Upstream set: ${saved.url}.`,
        saved.problem ? 'info' : 'success'
      )
      close()
    } catch (err) {
      // The core's refusal, one line (a bad URL, plain http to another host, a key a header cannot carry).
      setError(messageOf(err).split('\n')[0] ?? '')
      setBusy(false)
    }
  }

  return (
    <Dialog
      title="Set the upstream Langflow"
      description="The Langflow server that runs the flows called through FlowKeys, and FlowKeys' API key for it."
      onClose={close}
    >
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        {error && <ErrorBanner message={error} />}
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
        <div className="form__actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Checking…' : 'Save upstream'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
