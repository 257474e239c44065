import { isFlowKeysError, oneLine } from '../base/errors'
import { readText, sendUpstream } from './client'
import type { UpstreamTarget } from './target'

/** What `flowkeys upstream show` and the app's Key server page tell about the upstream. */
export interface UpstreamProbe {
  reachable: boolean
  /** Langflow's release, from its `/api/v1/version`; null when unknown. */
  version: string | null
  /** Whether the upstream accepts FlowKeys' key for it (its `/api/v1/users/whoami`); null when not asked. */
  keyAccepted: boolean | null
  /** Why it is not usable, in one line (never the key). */
  problem: string | null
}

const PROBE_TIMEOUT_MS = 5_000

/** Asks the upstream for its version and whether it takes the key: two small GETs, each bounded. */
export async function probeUpstream(target: UpstreamTarget): Promise<UpstreamProbe> {
  let version: string | null = null
  try {
    const answer = await sendUpstream(target, {
      method: 'GET',
      path: '/api/v1/version',
      idleTimeoutMs: PROBE_TIMEOUT_MS
    })
    const text = await readText(answer, 64 * 1024)
    if (answer.statusCode === 200) version = versionIn(text)
  } catch (err) {
    const problem = isFlowKeysError(err) ? oneLine(err) : 'could not be reached'
    return { reachable: false, version: null, keyAccepted: null, problem }
  }
  try {
    const answer = await sendUpstream(target, {
      method: 'GET',
      path: '/api/v1/users/whoami',
      idleTimeoutMs: PROBE_TIMEOUT_MS
    })
    await readText(answer, 64 * 1024)
    const status = answer.statusCode ?? 0
    if (status === 200) return { reachable: true, version, keyAccepted: true, problem: null }
    if (status === 401 || status === 403)
      return {
        reachable: true,
        version,
        keyAccepted: false,
        problem: `The Langflow upstream at ${target.url} refuses FlowKeys' API key for it (${status})`
      }
    return { reachable: true, version, keyAccepted: null, problem: null }
  } catch (err) {
    return { reachable: true, version, keyAccepted: null, problem: oneLine(err) }
  }
}

function versionIn(text: string): string | null {
  try {
    const body = JSON.parse(text) as { version?: unknown }
    return typeof body.version === 'string' ? body.version.slice(0, 64) : null
  } catch {
    return null
  }
}
