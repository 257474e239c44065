import type { ReactElement } from 'react'
import { CardTitle } from '@renderer/components/Card'
import { CopyButton } from '@renderer/components/CopyButton'

/**
 * The first request to try, as the README and Langflow's docs write it (the key in LANGFLOW_API_KEY): one
 * argument a line with ` \` continuations, so it never wraps inside the URL and pastes as one command.
 */
function curlExample(baseUrl: string): string {
  return ['curl \\', '  -H "x-api-key: $LANGFLOW_API_KEY" \\', `  ${baseUrl}/api/v1/users/whoami`].join('\n')
}

/** The first request to make, ready to copy. */
export function TryItCard({ baseUrl }: { baseUrl: string }): ReactElement {
  return (
    <div className="card">
      <CardTitle icon="terminal">Try it</CardTitle>
      <p className="muted">
        Put one of your API keys in <code>LANGFLOW_API_KEY</code>, then run:
      </p>
      <pre className="code-block code-block--shell" data-testid="curl-example">
        <code>{curlExample(baseUrl)}</code>
      </pre>
      <div className="row-end">
        <CopyButton text={curlExample(baseUrl)} what="Copy the curl command" />
      </div>
    </div>
  )
}
