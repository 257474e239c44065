import { useEffect, type ReactElement } from 'react'
import { ErrorBanner } from '@renderer/components/Banner'
import { PageHeader } from '@renderer/components/PageHeader'
import { RequestLog } from './RequestLog'
import { ServerProblems } from './ServerProblems'
import { ServerStatusCard } from './ServerStatusCard'
import { baseUrlOf, useServer } from './store'
import { TryItCard } from './TryItCard'
import { UpstreamCard } from './UpstreamCard'

export function ServerPage(): ReactElement {
  const baseUrl = useServer(baseUrlOf)
  const problems = useServer((s) => s.problems)
  const dataDir = useServer((s) => s.settings?.dataDir ?? null)
  const error = useServer((s) => s.error)

  // Once on opening: then main's pushes keep the status and the request log current (app/live.ts).
  useEffect(() => {
    void useServer.getState().load()
    // Apart from load: the probe may take seconds when the upstream does not answer.
    void useServer.getState().loadUpstream()
  }, [])

  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader
        title="Key server"
        subtitle="A local server that speaks Langflow's API, so Langflow's clients and flows can use your keys and variables."
      />
      {error && <ErrorBanner message={error} />}

      <div className="server-grid">
        <ServerStatusCard baseUrl={baseUrl} />
        <TryItCard baseUrl={baseUrl} />
      </div>

      <UpstreamCard />

      {problems.length > 0 && <ServerProblems problems={problems} dataDir={dataDir} />}

      <RequestLog />
    </section>
  )
}
