import type { ReactElement } from 'react'
import { CopyButton } from '@renderer/components/CopyButton'
import { Icon } from '@renderer/components/Icon'

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
      <div className="card__title-row">
        <Icon name="terminal" />
        <h2 className="card__title">Try it</h2>
      </div>
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
