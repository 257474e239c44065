// The stand-in Langflow upstream (test/fixtures/langflow-upstream/standin.ts) in a process of its own, for the gateway
// benchmark: the load generator, FlowKeys and the upstream are three processes. Run with tsx (`node --import tsx`),
// not bundled: the stand-in reads its starter flow relative to its own source file.
//   node --import tsx standin-child.ts '<StandinOptions as JSON>'
// It prints one JSON line {"url":…,"apiKey":…} when listening; then answers commands on stdin, one per line:
//   "cpu" → {"user":µs,"system":µs} (CPU time used so far), "counts" → {"runs":N,"flowReads":N,"other":N,
//   "failed":N,"last":{…}} (requests received since the previous "counts", and what the last run carried: the
//   names of its X-LANGFLOW-GLOBAL-VAR-* headers and where each credential it resolved came from, never a value),
//   "stop" → closes, prints {"stopped":true}, exits.
import { createInterface } from 'node:readline'
import {
  startStandinLangflow,
  type Received,
  type StandinOptions
} from '../test/fixtures/langflow-upstream/standin'

const options = JSON.parse(process.argv[2] ?? '{}') as StandinOptions
const say = (message: object): void => void process.stdout.write(JSON.stringify(message) + '\n')

const standin = await startStandinLangflow(options)

interface LastRun {
  status: number | null
  globalVarHeaders: string[]
  credentialSources: string[]
}

const counts = { runs: 0, flowReads: 0, other: 0, failed: 0 }
let last: LastRun | null = null

/**
 * The stand-in keeps every request it received (for tests' assertions); under load that list would grow by
 * thousands a second and slow its collector down. It is tallied and emptied often, the same for both paths.
 */
function tally(): void {
  const received: Received[] = standin.received.splice(0)
  for (const record of received) {
    if (record.status !== undefined && record.status !== 200) counts.failed++
    if (record.method === 'POST' && record.path.startsWith('/api/v1/run/')) {
      counts.runs++
      last = {
        status: record.status ?? null,
        globalVarHeaders: Object.keys(record.globalVarHeaders),
        credentialSources: (record.credentials ?? []).map((c) => c.source)
      }
    } else if (record.method === 'GET' && record.path.startsWith('/api/v1/flows/')) counts.flowReads++
    else counts.other++
  }
}
const timer = setInterval(tally, 200)

say({ url: standin.url, apiKey: standin.apiKey })

for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'cpu') {
    const { user, system } = process.cpuUsage()
    say({ user, system })
  }
  if (line === 'counts') {
    tally()
    say({ ...counts, last })
    counts.runs = counts.flowReads = counts.other = counts.failed = 0
  }
  if (line === 'stop') break
}
clearInterval(timer)
await standin.close()
say({ stopped: true })
process.exit(0)
