import type { ReactElement } from 'react'
import { useUi } from '@renderer/app/ui'
import { Button } from '@renderer/components/Button'
import { Icon } from '@renderer/components/Icon'
import { useEnvImport } from './store'
import { skippedLineText } from './text'

/** What an applied import did, name by name. */
export function ImportSummary(): ReactElement {
  const summary = useEnvImport((s) => s.summary)
  if (!summary) return <></>
  // What each row counts, and how its items show: names in the code font, lines as words.
  const rows: [string, string[], string][] = [
    ['Created', summary.created, 'muted mono'],
    ['Overwritten', summary.updated, 'muted mono'],
    ['Kept as they were', summary.skipped, 'muted mono'],
    ['Already up to date', summary.unchanged, 'muted mono'],
    ['Invalid lines', summary.invalid.map((i) => `line ${i.line}`), 'muted'],
    ['Skipped lines', summary.skippedLines.map(skippedLineText), 'muted']
  ]
  return (
    <div className="card" role="region" aria-label="Import summary">
      <div className="card__header">
        <div className="file-title">
          <span className="success-dot">
            <Icon name="check" />
          </span>
          <strong>Import finished</strong>
        </div>
      </div>
      <dl className="summary">
        {rows.map(([label, items, className]) => (
          <div key={label} className="summary__row">
            <dt>{label}</dt>
            <dd>
              <strong>{items.length}</strong>
              {items.length > 0 && <span className={className}> {items.join(', ')}</span>}
            </dd>
          </div>
        ))}
      </dl>
      <div className="card__footer">
        <Button onClick={() => useEnvImport.getState().reset()}>Import another file</Button>
        <Button
          variant="primary"
          onClick={() => {
            useEnvImport.getState().reset()
            useUi.getState().go('variables')
          }}
        >
          See the variables
        </Button>
      </div>
    </div>
  )
}
