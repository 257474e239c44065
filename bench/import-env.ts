import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { applyEnvImport } from '../src/main/variables/dotenv-import'
import { builtCli } from '../test/helpers/bundle'
import type { BenchContext, Section } from './context'
import { median, ms, num } from './stats'

const SIZES = [1_000, 10_000] as const
const TARGET_MS = 1_000

/** A .env file of `count` distinct names with 40-character random values, a comment every 100 lines. */
export function envFile(count: number): string {
  const lines: string[] = []
  for (let i = 0; i < count; i++) {
    if (i % 100 === 0) lines.push(`# block ${i / 100}`)
    lines.push(`IMPORTED_VARIABLE_${i}=${randomBytes(30).toString('base64url')}`)
  }
  return lines.join('\n') + '\n'
}

/** Runs the CLI (built as it ships); resolves with the wall time in ms (spawn to exit), throwing on a non-zero exit. */
export function timeCli(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const cli = builtCli()
  const start = process.hrtime.bigint()
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6
      if (code === 0) resolve(elapsed)
      else reject(new Error(`flowkeys ${args[0]} exited ${code}: ${stderr}`))
    })
  })
}

/** `.env` import of 1,000 and 10,000 entries into an empty store: the core call, and the CLI process. */
export async function importEnv(ctx: BenchContext): Promise<Section> {
  ctx.log('import-env of 1,000 and 10,000 entries')
  const core: Record<number, number[]> = {}
  const cli: Record<number, number[]> = {}
  const baseline: number[] = []
  for (const size of SIZES) {
    const text = envFile(size)
    const file = join(ctx.root, `import-${size}.env`)
    writeFileSync(file, text)
    core[size] = []
    cli[size] = []
    for (let round = 0; round < ctx.rounds; round++) {
      const { dir } = await ctx.prepare(`import-core-${size}`)
      const opened = await ctx.openCore(dir)
      try {
        const start = process.hrtime.bigint()
        const result = await applyEnvImport(opened.variables, opened.superuser().id, text)
        core[size].push(Number(process.hrtime.bigint() - start) / 1e6)
        if (result.created.length !== size) throw new Error(`imported ${result.created.length} of ${size}`)
      } finally {
        await opened.close()
      }
      const { dir: cliDir } = await ctx.prepare(`import-cli-${size}`)
      cli[size].push(await timeCli(['import-env', file, '--data-dir', cliDir], ctx.env))
      if (size === SIZES[0]) baseline.push(await timeCli(['keys', 'list', '--data-dir', cliDir], ctx.env))
    }
  }
  const m = (list: number[]) => median(list)
  const big = SIZES.at(-1)!
  const rows = SIZES.map((size) => `| ${num(size)} | ${ms(m(core[size]!))} | ${ms(m(cli[size]!))} |`).join(
    '\n'
  )
  return {
    title: '.env import',
    rows: [
      {
        figure: `import-env of 1,000 entries: core (applyEnvImport) / CLI process`,
        value: `${ms(m(core[1_000]!))} / ${ms(m(cli[1_000]!))}`,
        target: '—'
      },
      {
        figure: `import-env of 10,000 entries, core (applyEnvImport)`,
        value: ms(m(core[big]!)),
        target: `< ${num(TARGET_MS)} ms`,
        met: m(core[big]!) < TARGET_MS
      },
      {
        figure: `import-env of 10,000 entries, CLI process (spawn to exit)`,
        value: ms(m(cli[big]!)),
        target: `< ${num(TARGET_MS)} ms`,
        met: m(cli[big]!) < TARGET_MS
      }
    ],
    details: `A generated .env file (names \`IMPORTED_VARIABLE_<i>\`, 40-character random values, a comment line every 100 entries) imported into a store that holds only the superuser, so every entry is new: each value is encrypted (Fernet) and everything lands in one store write. **Core**: the \`applyEnvImport\` call alone, core already open. **CLI**: \`node out/cli/cli.js import-env FILE --data-dir DIR\` (built from the current source as \`npm run build\` builds it) from spawn to exit, which includes starting Node, opening the store and the vault, the preview and the preview table on stdout. A fresh data directory each round; medians of ${ctx.rounds} rounds.

| entries | core \`applyEnvImport\` | CLI \`flowkeys import-env\` |
|---|---|---|
${rows}

For scale, \`flowkeys keys list\` (start, open, list nothing, exit) on the same kind of store takes ${ms(m(baseline))}. That is the floor of any CLI command: starting Node, loading the CLI (Fastify is loaded only by \`serve\`), reading and parsing the store, and opening the vault; a read-only command does not write the store.`
  }
}
