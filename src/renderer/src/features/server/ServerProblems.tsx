import type { ReactElement } from 'react'
import type { ServerProblem } from '@shared/ipc'
import { CardTitle } from '@renderer/components/Card'
import { formatTime } from '@renderer/lib/format'

/** The errors and warnings `flowkeys serve` would print; the app writes them to server.log too. */
export function ServerProblems({
  problems,
  dataDir
}: {
  problems: ServerProblem[]
  dataDir: string | null
}): ReactElement {
  return (
    <div className="card card--flush">
      <CardTitle
        icon="alert"
        padded
        actions={
          <span className="muted" title={dataDir ?? undefined}>
            Also in <code>server.log</code>, in the data folder
          </span>
        }
      >
        Errors and warnings
      </CardTitle>
      <table className="data-table" aria-label="Key server errors">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Level</th>
            <th scope="col">What happened</th>
          </tr>
        </thead>
        <tbody>
          {problems.map((problem, i) => (
            <tr key={`${problem.time}:${i}`}>
              <td className="muted nowrap">{formatTime(problem.time)}</td>
              <td>
                <span className={`badge ${problem.level === 'error' ? 'badge--invalid' : 'badge--changed'}`}>
                  {problem.level}
                </span>
              </td>
              <td className="mono">{problem.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
