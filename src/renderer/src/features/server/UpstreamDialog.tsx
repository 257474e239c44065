import { useState, type ReactElement } from 'react'
import { UpstreamSetRequest, UPSTREAM_KEY_MAX, UPSTREAM_URL_MAX } from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { Checkbox } from '@renderer/components/Checkbox'
import { FormDialog } from '@renderer/components/DialogForm'
import { TextField } from '@renderer/components/TextField'
import { messageOf } from '@renderer/lib/ipc'
import { firstIssue } from '@renderer/lib/issues'
import { useSubmit } from '@renderer/lib/use-submit'
import { useServer } from './store'

/**
 * `flowkeys upstream set` in a dialog: the Langflow server's URL and FlowKeys' API key for it. The key is a
 * password field with no reveal; it lives only in this dialog's state (closing the dialog unmounts it) and goes
 * to main once, where the vault encrypts it. No answer ever carries it back.
 */
export function SetUpstreamDialog({
  initialUrl,
  initialNamedOnly,
  onClose
}: {
  initialUrl: string
  initialNamedOnly: boolean
  onClose(): void
}): ReactElement {
  const [url, setUrl] = useState(initialUrl)
  const [apiKey, setApiKey] = useState('')
  const [allowPlainHttp, setAllowPlainHttp] = useState(false)
  const [namedOnly, setNamedOnly] = useState(initialNamedOnly)

  const close = (): void => {
    setApiKey('')
    onClose()
  }

  const request = {
    url,
    api_key: apiKey,
    ...(allowPlainHttp ? { allow_plain_http: true } : {}),
    ...(namedOnly ? { variables: 'named' as const } : {})
  }
  const submit = useSubmit(
    async () => {
      const saved = await useServer.getState().setUpstream(request)
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
    <FormDialog
      title="Set the upstream Langflow"
      description="The Langflow server that runs the flows called through FlowKeys, and FlowKeys' API key for it."
      onClose={close}
      submit={submit}
      label="Save upstream"
      busyLabel="Checking…"
    >
      <TextField
        label="URL"
        hint="Its address, as you would open it in a browser."
        type="url"
        value={url}
        onChange={setUrl}
        placeholder="http://127.0.0.1:7860"
        maxLength={UPSTREAM_URL_MAX}
        autoComplete="off"
        spellCheck={false}
        data-autofocus
      />
      <TextField
        label="API key"
        hint="A Langflow API key of that server. Stored encrypted in the data folder; it is never shown again."
        type="password"
        value={apiKey}
        onChange={setApiKey}
        maxLength={UPSTREAM_KEY_MAX}
        autoComplete="off"
        spellCheck={false}
      />
      <Checkbox
        label="Allow plain http on a private network"
        hint="Otherwise http:// goes only to this computer: the key and your credentials would cross the network in clear."
        checked={allowPlainHttp}
        onChange={setAllowPlainHttp}
      />
      <Checkbox
        label="Send only the variables each flow names"
        hint="Otherwise a run carries all your variables and each field takes the one it names. With this, FlowKeys asks Langflow for the flow before every run."
        checked={namedOnly}
        onChange={setNamedOnly}
      />
    </FormDialog>
  )
}
