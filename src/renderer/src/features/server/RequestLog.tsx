import type { ReactElement } from 'react'
import { Icon } from '@renderer/components/Icon'
import { formatTime } from '@renderer/lib/format'
import { useServer } from './store'

function statusTone(status: number): string {
  if (status >= 500) return 'badge--invalid'
  if (status >= 400) return 'badge--changed'
  return 'badge--active'
}

/** The requests the key server answered, newest first: fetched on opening the page, then grown by pushes. */
export function RequestLog(): ReactElement {
  const log = useServer((s) => s.log)
  const refresh = useServer((s) => s.refresh)
  return (
    <div className="card card--flush">
      <div className="card__title-row card__title-row--padded">
        <h2 className="card__title">Recent requests</h2>
        <span className="toolbar__spacer" />
        <button
          type="button"
          className="icon-button"
          aria-label="Refresh the request log"
          onClick={() => void refresh()}
        >
          <Icon name="refresh" />
        </button>
      </div>
      {log.length === 0 ? (
        <p className="empty__text empty__text--padded">
          No requests yet. Run the command above and it shows up here.
        </p>
      ) : (
        <table className="data-table" aria-label="Recent requests">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Method</th>
              <th scope="col">Path</th>
              <th scope="col">Key</th>
              <th scope="col" className="numeric">
                Status
              </th>
            </tr>
          </thead>
          <tbody>
            {log.map((entry, i) => (
              <tr key={`${entry.time}:${i}`}>
                <td className="muted nowrap">{formatTime(entry.time)}</td>
                <td>
                  <span className="method">{entry.method}</span>
                </td>
                <td className="mono">{entry.path}</td>
                <td>{entry.keyName ?? <span className="muted">—</span>}</td>
                <td className="numeric">
                  <span className={`badge ${statusTone(entry.status)}`}>{entry.status}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
