import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseStore, STORE_FILE } from '../src/main/store/data-file'
import { get, ServerChild } from './children'
import { apiKeyHeader, type BenchContext, type Section } from './context'
import { load } from './load'
import { num } from './stats'

const SECONDS = 10

/** Counts replacements of the store file by polling its inode and mtime (every atomic write is a new inode). */
function watchFile(file: string): { stop(): number } {
  const stamp = (): string => {
    try {
      const s = statSync(file, { bigint: true })
      return `${s.ino}:${s.mtimeNs}`
    } catch {
      return 'missing'
    }
  }
  let last = stamp()
  let changes = 0
  const timer = setInterval(() => {
    const now = stamp()
    if (now !== last) changes++
    last = now
  }, 10)
  return {
    stop: () => {
      clearInterval(timer)
      if (stamp() !== last) changes++
      return changes
    }
  }
}

/** Store writes while a valid key is used as fast as the server answers, for 10 seconds. */
export async function storeWrites(ctx: BenchContext): Promise<Section> {
  ctx.log(`store writes during a ${SECONDS}-second load`)
  const { dir, keys } = await ctx.prepare('writes', { keys: 10 })
  const key = keys.at(-1)!
  const file = join(dir, STORE_FILE)
  const server = await ServerChild.start('flowkeys', dir, ctx.env)
  let requests: number
  let writes: number
  let replaced: number
  let finalWrites: number
  try {
    const check = await get(server.url + '/api/v1/users/whoami', apiKeyHeader(key))
    if (check.status !== 200) throw new Error(`whoami answered ${check.status}`)
    await sleepUntilFlushed()
    const before = await server.writes()
    const watcher = watchFile(file)
    const result = await load(server.url, {
      path: '/api/v1/users/whoami',
      headers: apiKeyHeader(key),
      connections: 10,
      seconds: SECONDS
    })
    writes = (await server.writes()) - before
    replaced = watcher.stop()
    requests = result.total
  } finally {
    finalWrites = await server.stop()
  }
  // Every use was counted: the check request plus the load, once the server flushed on stop.
  const data = parseStore(file, readFileSync(file, 'utf8')).data
  const counted = data.api_keys.reduce((sum, k) => sum + k.total_uses, 0)
  const perSecond = writes / SECONDS
  return {
    title: 'Store writes under load',
    rows: [
      {
        figure: `Store writes during a ${SECONDS} s load of authenticated requests`,
        value: `${num(writes)} writes for ${num(requests)} requests`,
        target: '≤ 1 per second, not per request',
        met: perSecond <= 1.1 && writes < requests
      }
    ],
    details: `\`GET /api/v1/users/whoami\` with one valid key, autocannon, 10 connections, ${SECONDS} s, usage tracking on: every request counts a use of the key. Writes counted two ways: the server process's own count of its writes of the store file (\`DataFile.update\` calls that rewrote it: **${num(writes)}** writes during the load, ${num(perSecond, 1)} per second) and, independently, by polling the store file's inode and mtime every 10 ms (${num(replaced)} replacements seen). ${num(requests)} requests were answered during the load, so usage counting writes about once a second rather than once per request. After the server stopped (it flushes on close; ${num(finalWrites)} writes in all), the store holds total_uses = ${num(counted)} for the ${num(requests + 1)} authenticated requests autocannon saw answered (${lostNote(counted, requests + 1)}).`
  }
}

/** autocannon stops with up to one request per connection in flight, which the server still counts. */
function lostNote(counted: number, answered: number): string {
  if (counted < answered) return `${num(answered - counted)} uses LOST`
  if (counted === answered) return 'none lost'
  return `none lost; ${num(counted - answered)} more were in flight when the load stopped`
}

/** Lets the first request's usage flush (about a second) land before counting. */
function sleepUntilFlushed(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1_500))
}
