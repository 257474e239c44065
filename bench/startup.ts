import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { builtCli } from '../test/helpers/bundle'
import { freePort, get } from './children'
import type { BenchContext, Section } from './context'
import { median, ms } from './stats'

/** Spawns `flowkeys serve` and returns the ms from spawn to the first 200 on /health; then stops it. */
async function timeServe(cli: string, dataDir: string, env: NodeJS.ProcessEnv): Promise<number> {
  const port = await freePort()
  const start = process.hrtime.bigint()
  const child = spawn(process.execPath, [cli, 'serve', '--port', String(port), '--data-dir', dataDir], {
    env,
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  let exited = false
  const closed = new Promise<void>((resolve) => child.on('close', () => ((exited = true), resolve())))
  try {
    for (;;) {
      if (exited) throw new Error(`flowkeys serve exited before answering: ${stderr}`)
      const status = await get(`http://127.0.0.1:${port}/health`).then(
        (reply) => reply.status,
        () => 0
      )
      if (status === 200) return Number(process.hrtime.bigint() - start) / 1e6
      if (Number(process.hrtime.bigint() - start) > 30e9)
        throw new Error('flowkeys serve did not answer in 30 s')
      await sleep(2)
    }
  } finally {
    child.kill('SIGTERM')
    await closed
  }
}

/** `flowkeys serve`: from spawning the process to the first 200 on /health. */
export async function startup(ctx: BenchContext): Promise<Section> {
  ctx.log('flowkeys serve start-up')
  // The CLI as it ships, built from the current source (out/cli/ may predate it).
  const cli = builtCli()
  const existing: number[] = []
  const fresh: number[] = []
  const { dir } = await ctx.prepare('serve', { keys: 1 })
  await timeServe(cli, dir, ctx.env) // warms the disk cache
  for (let round = 0; round < ctx.rounds; round++) {
    existing.push(await timeServe(cli, dir, ctx.env))
    fresh.push(await timeServe(cli, ctx.newDir('serve-fresh'), ctx.env))
  }
  return {
    title: '`flowkeys serve` start-up',
    rows: [
      {
        figure: '`flowkeys serve`: process start to first 200 on /health (existing store)',
        value: ms(median(existing), 0),
        target: '—'
      }
    ],
    details: `\`node out/cli/cli.js serve --port <free port> --data-dir DIR\`, timed from spawning the process to the first 200 answer on \`GET /health\` (polled every 2 ms), then stopped with SIGTERM. "Existing store": a data directory that already holds the superuser and a key. "First start": an empty directory, so the start also creates the store and hashes the superuser's password (scrypt). Medians of ${ctx.rounds} rounds.

| existing store | first start (empty data dir) |
|---|---|
| ${ms(median(existing), 0)} | ${ms(median(fresh), 0)} |

The CLI is built as \`npm run build\` builds it (scripts/build-cli.ts: one bundle with its dependencies, the key server in a chunk of its own), from the current source.`
  }
}
