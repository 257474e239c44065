import type { ReactElement } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { ErrorBanner } from '@renderer/components/ErrorBanner'
import { PageHeader } from '@renderer/components/PageHeader'
import { EnvPicker } from './EnvPicker'
import { EnvPreview } from './EnvPreview'
import { ImportSummary } from './ImportSummary'
import { useEnvImport } from './store'

export function ImportPage(): ReactElement {
  const state = useEnvImport(
    useShallow((s) => ({ fileName: s.fileName, entries: s.entries, summary: s.summary, error: s.error }))
  )
  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader
        title="Import .env"
        subtitle="Turn the lines of a .env file into global variables. Nothing is written until you apply."
      />
      {state.error && <ErrorBanner message={state.error} />}
      {state.summary ? <ImportSummary /> : state.entries ? <EnvPreview /> : <EnvPicker />}
    </section>
  )
}
