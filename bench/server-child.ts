// A server for the benchmarks, run in its own process so that the load generator never shares its event loop.
//   node server-child.mjs flowkeys <dataDir>   FlowKeys' key server on the core in <dataDir>, as `flowkeys serve`
//   node server-child.mjs bare <bodyFile>      a bare node:http server answering the bytes of <bodyFile>
//   node server-child.mjs fastify <bodyFile>   a bare Fastify app answering them (what the framework alone costs)
// It prints one JSON line {"url":…} when listening; then answers commands on stdin, one per line:
//   "writes" → {"writes":N} (store writes made since listening), "cpu" → {"user":µs,"system":µs} (CPU time used so
//   far), "heap" → process.memoryUsage(), "stop" → closes, prints {"writes":N}, exits.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createInterface } from 'node:readline'
import Fastify from 'fastify'
import { openCore } from '../src/main/core/open'
import { startKeyServer } from '../src/main/server/key-server'
import { writeCounter } from '../test/helpers/store-writes'

const MODES = ['flowkeys', 'bare', 'fastify'] as const
export type ServerMode = (typeof MODES)[number]

const [mode, arg] = process.argv.slice(2)
if (!arg || !MODES.includes(mode as ServerMode))
  throw new Error(`usage: server-child ${MODES.join('|')} <arg>`)

const say = (message: object): void => void process.stdout.write(JSON.stringify(message) + '\n')

let stop: () => Promise<void>
/** The writes of the served store since listening. */
let writes = (): number => 0

if (mode === 'bare') {
  const body = readFileSync(arg)
  const server = createServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': body.length
    })
    response.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  say({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
  stop = () => new Promise((resolve) => server.close(() => resolve()))
} else if (mode === 'fastify') {
  const body = readFileSync(arg)
  const app = Fastify({ logger: false })
  app.get('/*', (_request, reply) => reply.type('application/json; charset=utf-8').send(body))
  await app.listen({ host: '127.0.0.1', port: 0 })
  say({ url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` })
  stop = () => app.close()
} else {
  // As `flowkeys serve` runs it.
  const core = await openCore({ dataDir: arg })
  const server = await startKeyServer(core, { host: '127.0.0.1', port: 0 })
  writes = writeCounter(arg)
  say({ url: server.url })
  stop = async () => {
    await server.close()
    await core.close()
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'writes') say({ writes: writes() })
  if (line === 'heap') say(process.memoryUsage())
  if (line === 'cpu') {
    const { user, system } = process.cpuUsage()
    say({ user, system })
  }
  if (line === 'stop') break
}
await stop()
say({ writes: writes() })
process.exit(0)
