import type { ReactElement } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { EnvEntryView, VariableType } from '@shared/ipc'
import { Button } from '@renderer/components/Button'
import { Icon } from '@renderer/components/Icon'
import { hasTypeChoice, useEnvImport, type EnvChoice } from './store'
import { skippedLineText } from './text'

const STATUS_LABEL: Record<EnvEntryView['status'], string> = {
  new: 'New',
  changed: 'Conflict',
  unchanged: 'Unchanged',
  invalid: 'Invalid'
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** `Also set on line 2; the last one (line 9) wins`, as dotenv keeps the last assignment. */
function duplicateText(entry: EnvEntryView): string {
  const lines = entry.duplicateLines
  return `Also set on line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}; the last one (line ${entry.line}) wins`
}

const TYPE_LABEL: Record<VariableType, string> = {
  Credential: 'Credential (hidden)',
  Generic: 'Generic (visible)'
}

function TypeSelect({ entry, disabled }: { entry: EnvEntryView; disabled: boolean }): ReactElement {
  const type = useEnvImport((s) => s.types[entry.name] ?? entry.type)
  return (
    <select
      className="input input--compact"
      aria-label={`Type of ${entry.name}`}
      value={type}
      disabled={disabled}
      onChange={(e) => useEnvImport.getState().setType(entry.name, e.target.value as VariableType)}
    >
      {(['Credential', 'Generic'] as const).map((option) => (
        <option key={option} value={option}>
          {TYPE_LABEL[option]}
        </option>
      ))}
    </select>
  )
}

/** What the file holds and what the import will do with each line, before anything is written. */
export function EnvPreview(): ReactElement {
  const { fileName, entries, skippedLines, choices, busy } = useEnvImport(
    useShallow((s) => ({
      fileName: s.fileName,
      entries: s.entries ?? [],
      skippedLines: s.skippedLines,
      choices: s.choices,
      busy: s.busy
    }))
  )
  const count = (status: EnvEntryView['status']): number => entries.filter((e) => e.status === status).length
  const conflicts = count('changed')
  const overwriting = Object.values(choices).filter((c) => c === 'overwrite').length
  const writes = count('new') + overwriting

  return (
    <div className="card">
      <div className="card__header">
        <div className="file-title">
          <Icon name="file" />
          <strong>{fileName}</strong>
        </div>
        <div className="counts" aria-label="Preview summary">
          <span className="badge badge--new">{count('new')} new</span>
          <span className="badge badge--changed">{plural(conflicts, 'conflict')}</span>
          <span className="badge badge--unchanged">{count('unchanged')} unchanged</span>
          <span className="badge badge--invalid">{count('invalid')} invalid</span>
          {skippedLines.length > 0 && (
            <span className="badge badge--invalid">{plural(skippedLines.length, 'line')} skipped</span>
          )}
        </div>
      </div>
      <div className="card__toolbar">
        {entries.some(hasTypeChoice) && (
          <span className="button-group" role="group" aria-label="Type of every row">
            <Button small onClick={() => useEnvImport.getState().setAllTypes('Credential')}>
              All Credential
            </Button>
            <Button small onClick={() => useEnvImport.getState().setAllTypes('Generic')}>
              All Generic
            </Button>
          </span>
        )}
        {conflicts > 0 && (
          <span className="button-group" role="group" aria-label="All conflicts">
            <Button small onClick={() => useEnvImport.getState().chooseAll('skip')}>
              Keep all current
            </Button>
            <Button small onClick={() => useEnvImport.getState().chooseAll('overwrite')}>
              Overwrite all
            </Button>
          </span>
        )}
      </div>
      {entries.length === 0 ? (
        <p className="empty__text">This file has no NAME=value lines.</p>
      ) : (
        <table className="data-table" aria-label="Lines of the file">
          <thead>
            <tr>
              <th scope="col" className="numeric">
                Line
              </th>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Type</th>
              <th scope="col">What will happen</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={`${entry.line}:${entry.name}`} data-env-line={entry.line}>
                <td className="numeric muted">{entry.line}</td>
                <td className="mono strong">{entry.name || <span className="muted">—</span>}</td>
                <td>
                  <span className={`badge badge--${entry.status}`}>{STATUS_LABEL[entry.status]}</span>
                </td>
                <td>
                  {hasTypeChoice(entry) ? (
                    <TypeSelect
                      entry={entry}
                      disabled={busy || (entry.status === 'changed' && choices[entry.name] !== 'overwrite')}
                    />
                  ) : entry.status === 'unchanged' ? (
                    <span className="muted">{entry.type}</span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  <Outcome
                    entry={entry}
                    choice={choices[entry.name]}
                    onChoose={(c) => useEnvImport.getState().choose(entry.name, c)}
                  />
                  {entry.duplicateLines.length > 0 && (
                    <div className="hint" data-testid="env-duplicate">
                      {duplicateText(entry)}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {skippedLines.length > 0 && (
        <ul className="hint" aria-label="Skipped lines">
          {skippedLines.map((skipped) => (
            <li key={skipped.line}>{skippedLineText(skipped)}</li>
          ))}
        </ul>
      )}
      <div className="card__footer">
        <Button onClick={() => useEnvImport.getState().reset()} disabled={busy}>
          Cancel
        </Button>
        <Button
          variant="primary"
          onClick={() => void useEnvImport.getState().apply()}
          disabled={busy || writes === 0}
        >
          {busy ? 'Importing…' : writes === 0 ? 'Nothing to import' : `Import ${plural(writes, 'variable')}`}
        </Button>
      </div>
    </div>
  )
}

function Outcome({
  entry,
  choice,
  onChoose
}: {
  entry: EnvEntryView
  choice: EnvChoice | undefined
  onChoose(choice: EnvChoice): void
}): ReactElement {
  switch (entry.status) {
    case 'new':
      return <span data-testid="env-outcome">Will create</span>
    case 'unchanged':
      return (
        <span className="muted" data-testid="env-outcome">
          Unchanged (already up to date)
        </span>
      )
    case 'invalid':
      return (
        <span className="error-text" data-testid="env-outcome">
          Skipped: {entry.message ?? 'this line cannot be read'}
        </span>
      )
    case 'changed':
      return (
        <span className="stack">
          <span className="segmented" role="radiogroup" aria-label={`What to do with ${entry.name}`}>
            {(['skip', 'overwrite'] as const).map((option) => (
              <label
                key={option}
                className={
                  choice === option ? 'segmented__option segmented__option--on' : 'segmented__option'
                }
              >
                <input
                  type="radio"
                  name={`choice-${entry.name}`}
                  value={option}
                  checked={choice === option}
                  onChange={() => onChoose(option)}
                />
                {option === 'skip' ? 'Keep current' : 'Overwrite'}
              </label>
            ))}
          </span>
          <span className="hint" data-testid="env-outcome">
            {choice === 'overwrite' ? 'Will update' : 'Skipped (keeps the current value)'}
          </span>
        </span>
      )
  }
}
