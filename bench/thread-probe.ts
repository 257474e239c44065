// temporary: CPU per thread of the server child under load
import { readFileSync, readdirSync } from 'node:fs'
import { ServerChild } from './children'
import { apiKeyHeader, BenchContext } from './context'
import { load } from './load'
const ctx = new BenchContext(1, 3)
const { dir, keys } = await ctx.prepare('variables', { keys: 1, variables: 20, variableOptions: { generic: 4 } })
const headers = apiKeyHeader(keys[0]!)
const server = await ServerChild.start((process.env.MODE as 'flowkeys') ?? 'flowkeys', dir, ctx.env)
const threads = () => Object.fromEntries(readdirSync(`/proc/${server.pid}/task`).map((t) => {
  const stat = readFileSync(`/proc/${server.pid}/task/${t}/stat`, 'utf8')
  const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return [`${t}:${name}`, Number(f[11]) + Number(f[12])]
}))
await load(server.url, { path: '/api/v1/variables/', headers, connections: 10, seconds: 2 })
const a = threads()
const r = await load(server.url, { path: '/api/v1/variables/', headers, connections: 10, seconds: 4 })
const b = threads()
for (const k of Object.keys(b)) if ((b[k]! - (a[k] ?? 0)) > 0) console.log(k, ((b[k]! - (a[k] ?? 0)) * 10000 / r.total).toFixed(1), 'us/req')
console.log('rps', r.rps.toFixed(0))
await server.stop(); ctx.dispose()
