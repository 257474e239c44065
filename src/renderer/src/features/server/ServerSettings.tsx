import { useState, type FormEvent, type ReactElement } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { AppSettingsUpdate, describeIssues } from '@shared/ipc'
import { toast } from '@renderer/app/ui'
import { messageOf } from '@renderer/lib/ipc'
import { useServer } from './store'

/** The port and "Start with FlowKeys": saved together; a new port is used from the next start. */
export function ServerSettings(): ReactElement {
  const { settings, saveSettings } = useServer(
    useShallow((s) => ({ settings: s.settings, saveSettings: s.saveSettings }))
  )
  const [port, setPort] = useState(String(settings?.serverPort ?? ''))
  const [autostart, setAutostart] = useState(settings?.autostart ?? true)
  const [error, setError] = useState<string | null>(null)
  const dirty = port !== String(settings?.serverPort) || autostart !== settings?.autostart

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const patch = { serverPort: Number(port), autostart }
    const checked = AppSettingsUpdate.safeParse(patch)
    if (!checked.success || !/^\d+$/.test(port)) {
      setError(
        checked.success
          ? 'Use a port from 1024 to 65535'
          : describeIssues(checked.error).replace(/^\w+: /, '')
      )
      return
    }
    try {
      await saveSettings(patch)
      setError(null)
      toast('Saved. A new port is used from the next start.')
    } catch (err) {
      setError(messageOf(err))
    }
  }

  return (
    <form className="server-settings" onSubmit={(e) => void save(e)} noValidate>
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
      <label className="checkbox">
        <input type="checkbox" checked={autostart} onChange={(e) => setAutostart(e.target.checked)} />
        <span>Start with FlowKeys</span>
      </label>
      <span className="toolbar__spacer" />
      <button type="submit" className="button button--small" disabled={!dirty}>
        Save
      </button>
      {error && <p className="error-text server-settings__error">{error}</p>}
    </form>
  )
}
