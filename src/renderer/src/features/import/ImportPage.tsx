import type { ReactElement } from 'react'
import { ErrorBanner } from '@renderer/components/Banner'
import { PageHeader } from '@renderer/components/PageHeader'
import { EnvPicker } from './EnvPicker'
import { EnvPreview } from './EnvPreview'
import { ImportSummary } from './ImportSummary'
import { useEnvImport } from './store'

export function ImportPage(): ReactElement {
  const error = useEnvImport((s) => s.error)
  const step = useEnvImport((s) => (s.summary ? 'summary' : s.entries ? 'preview' : 'picker'))
  return (
    <section className="page" aria-labelledby="page-title">
      <PageHeader
        title="Import .env"
        subtitle="Turn the lines of a .env file into global variables. Nothing is written until you apply."
      />
      {error && <ErrorBanner message={error} />}
      {step === 'summary' ? <ImportSummary /> : step === 'preview' ? <EnvPreview /> : <EnvPicker />}
    </section>
  )
}
