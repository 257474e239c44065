import { useState, type ReactElement } from 'react'
import { AppSettingsUpdate, describeIssues } from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { Button } from '@renderer/components/Button'
import { Checkbox } from '@renderer/components/Checkbox'
import { useSubmit } from '@renderer/lib/use-submit'
import { useServer } from './store'

/** The port and "Start with FlowKeys": saved together; a new port is used from the next start. */
export function ServerSettings(): ReactElement {
  const settings = useServer((s) => s.settings)
  const [port, setPort] = useState(String(settings?.serverPort ?? ''))
  const [autostart, setAutostart] = useState(settings?.autostart ?? true)
  const dirty = port !== String(settings?.serverPort) || autostart !== settings?.autostart

  const patch = { serverPort: Number(port), autostart }
  const { error, onSubmit } = useSubmit(
    async () => {
      await useServer.getState().saveSettings(patch)
      toast('Saved. A new port is used from the next start.')
    },
    {
      check: () => {
        const checked = AppSettingsUpdate.safeParse(patch)
        if (checked.success && /^\d+$/.test(port)) return null
        return checked.success
          ? 'Use a port from 1024 to 65535'
          : describeIssues(checked.error).replace(/^\w+: /, '')
      }
    }
  )

  return (
    <form className="server-settings" onSubmit={onSubmit} noValidate>
      <label className="field field--inline">
        <span className="field__label">Port</span>
        <input
          className="input input--port"
          inputMode="numeric"
          value={port}
          onChange={(e) => setPort(e.target.value)}
          aria-invalid={error !== null}
        />
      </label>
      <Checkbox label="Start with FlowKeys" checked={autostart} onChange={setAutostart} />
      <span className="toolbar__spacer" />
      <Button small type="submit" disabled={!dirty}>
        Save
      </Button>
      {error && <p className="error-text server-settings__error">{error}</p>}
    </form>
  )
}
