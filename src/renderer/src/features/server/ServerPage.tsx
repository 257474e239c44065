import { useEffect, type ReactElement } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { ErrorBanner } from '@renderer/components/ErrorBanner'
import { PageHeader } from '@renderer/components/PageHeader'
import { RequestLog } from './RequestLog'
import { ServerProblems } from './ServerProblems'
import { ServerStatusCard } from './ServerStatusCard'
import { useServer } from './store'
import { TryItCard } from './TryItCard'
import { UpstreamCard } from './UpstreamCard'

export function ServerPage(): ReactElement {
  const { status, settings, problems, error, load, loadUpstream } = useServer(
    useShallow((s) => ({
      status: s.status,
      settings: s.settings,
      problems: s.problems,
      error: s.error,
      load: s.load,
      loadUpstream: s.loadUpstream
    }))
  )

  // Once on opening: then main's pushes keep the status and the request log current (app/live.ts).
  useEffect(() => {
    void load()
    // Apart from load: the probe may take seconds when the upstream does not answer.
    void loadUpstream()
  }, [load, loadUpstream])

  const baseUrl = status?.url ?? `http://127.0.0.1:${status?.port ?? settings?.serverPort ?? 7861}`

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

      {problems.length > 0 && <ServerProblems problems={problems} dataDir={settings?.dataDir ?? null} />}

      <RequestLog />
    </section>
  )
}
