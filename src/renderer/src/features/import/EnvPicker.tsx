import { useRef, useState, type DragEvent, type ReactElement } from 'react'
import { Button } from '@renderer/components/Button'
import { Icon } from '@renderer/components/Icon'
import { useEnvImport } from './store'

/** Where the import starts: a .env file dropped here or chosen. */
export function EnvPicker(): ReactElement {
  const busy = useEnvImport((s) => s.busy)
  const input = useRef<HTMLInputElement>(null)
  const [over, setOver] = useState(false)

  const onDrop = (event: DragEvent): void => {
    event.preventDefault()
    setOver(false)
    const file = event.dataTransfer.files[0]
    if (file) void useEnvImport.getState().readFile(file)
  }

  return (
    <>
      <div
        className={over ? 'dropzone dropzone--over' : 'dropzone'}
        data-testid="env-dropzone"
        onDragOver={(e) => {
          e.preventDefault()
          e.dataTransfer.dropEffect = 'copy'
          setOver(true)
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <div className="dropzone__icon">
          <Icon name="upload" size={28} />
        </div>
        <p className="dropzone__title">Drop a .env file here</p>
        <p className="muted">
          Lines like NAME=value. Comments and blank lines are skipped. Each name gets a type you can change in
          the preview: Credential (hidden) for names like *_KEY or *_TOKEN, Generic (visible) otherwise.
        </p>
        <Button variant="primary" icon="file" onClick={() => input.current?.click()} disabled={busy}>
          {busy ? 'Reading…' : 'Choose a file'}
        </Button>
        <input
          ref={input}
          className="visually-hidden"
          type="file"
          accept=".env,text/plain"
          aria-label="Choose a .env file"
          tabIndex={-1}
          onChange={(e) => {
            const file = e.target.files?.[0]
            e.target.value = ''
            if (file) void useEnvImport.getState().readFile(file)
          }}
        />
      </div>
    </>
  )
}
