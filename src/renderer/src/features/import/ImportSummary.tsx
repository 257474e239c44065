import type { ReactElement } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { useUi } from '@renderer/app/ui'
import { Icon } from '@renderer/components/Icon'
import { useEnvImport } from './store'
import { skippedLineText } from './text'

/** What an applied import did, name by name. */
export function ImportSummary(): ReactElement {
  const { summary, reset } = useEnvImport(useShallow((s) => ({ summary: s.summary, reset: s.reset })))
  if (!summary) return <></>
  const rows: [string, string[]][] = [
    ['Created', summary.created],
    ['Overwritten', summary.updated],
    ['Kept as they were', summary.skipped],
    ['Already up to date', summary.unchanged]
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
        {rows.map(([label, names]) => (
          <div key={label} className="summary__row">
            <dt>{label}</dt>
            <dd>
              <strong>{names.length}</strong>
              {names.length > 0 && <span className="muted mono"> {names.join(', ')}</span>}
            </dd>
          </div>
        ))}
        <div className="summary__row">
          <dt>Invalid lines</dt>
          <dd>
            <strong>{summary.invalid.length}</strong>
            {summary.invalid.length > 0 && (
              <span className="muted"> {summary.invalid.map((i) => `line ${i.line}`).join(', ')}</span>
            )}
          </dd>
        </div>
        <div className="summary__row">
          <dt>Skipped lines</dt>
          <dd>
            <strong>{summary.skippedLines.length}</strong>
            {summary.skippedLines.length > 0 && (
              <span className="muted"> {summary.skippedLines.map(skippedLineText).join(', ')}</span>
            )}
          </dd>
        </div>
      </dl>
      <div className="card__footer">
        <button type="button" className="button" onClick={reset}>
          Import another file
        </button>
        <button
          type="button"
          className="button button--primary"
          onClick={() => {
            reset()
            useUi.getState().go('variables')
          }}
        >
          See the variables
        </button>
      </div>
    </div>
  )
}
