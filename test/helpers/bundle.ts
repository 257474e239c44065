import { buildSync } from 'esbuild'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { buildCli } from '../../scripts/build-cli'
import { atFileEnd } from './file-end'

const cache = new Map<string, string>()
let cli: string | undefined
const outputDirs = new Set<string>()

function removeOutputDirs(): void {
  for (const dir of outputDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  outputDirs.clear()
  cache.clear()
  cli = undefined
}

// Removed when the test file ends (./file-end.ts), and, outside vitest (the benchmarks that share these builds, in
// plain Node with no runner to end a file; Playwright's workers, one file each), when the process exits.
atFileEnd(removeOutputDirs)
if (!process.env.VITEST) process.once('exit', removeOutputDirs)

/**
 * A new folder for build output, inside the project so that bare imports resolve from its node_modules; one per
 * process, removed when it is done with it.
 */
function newOutputDir(prefix: string): string {
  const root = join(process.cwd(), 'node_modules', '.cache', 'flowkeys-tests')
  mkdirSync(root, { recursive: true })
  const dir = mkdtempSync(join(root, prefix))
  outputDirs.add(dir)
  return dir
}

/**
 * Bundles a TypeScript entry into one ESM file that plain `node` starts in tens of milliseconds, for tests
 * that spawn many processes (crash and concurrency suites). Native and heavy deps stay external.
 */
export function bundle(entry: string): string {
  const abs = resolve(entry)
  const hit = cache.get(abs)
  if (hit) return hit
  const outfile = join(newOutputDir('bundle-'), basename(abs).replace(/\.ts$/, '.mjs'))
  buildSync({
    entryPoints: [abs],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error'
  })
  cache.set(abs, outfile)
  return outfile
}

/**
 * The CLI built as `npm run build` builds it (scripts/build-cli.ts), once per test process: the tests run the
 * CLI that ships, dependencies bundled in.
 */
export function builtCli(): string {
  cli ??= buildCli(newOutputDir('cli-'))
  return cli
}
