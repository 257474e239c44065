import type { ReactElement } from 'react'

export function App(): ReactElement {
  return (
    <main className="app">
      <h1 className="app__title">FlowKeys</h1>
      <p className="app__tagline">API keys and component credentials for Langflow, kept on this machine.</p>
    </main>
  )
}
