import type { ReactElement } from 'react'
import { CardTitle } from '@renderer/components/Card'
import { IconButton } from '@renderer/components/IconButton'
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
  return (
    <div className="card card--flush">
      <CardTitle
        padded
        actions={
          <IconButton
            icon="refresh"
            label="Refresh the request log"
            onClick={() => void useServer.getState().refresh()}
          />
        }
      >
        Recent requests
      </CardTitle>
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
