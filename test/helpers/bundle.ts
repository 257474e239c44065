import { buildSync } from 'esbuild'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { buildCli } from '../../scripts/build-cli'

const cache = new Map<string, string>()

/** A new folder for build output, inside the project so that bare imports resolve from its node_modules. */
function newOutputDir(prefix: string): string {
  const root = join(process.cwd(), 'node_modules', '.cache', 'flowkeys-tests')
  mkdirSync(root, { recursive: true })
  return mkdtempSync(join(root, prefix))
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

let cli: string | undefined

/**
 * The CLI built as `npm run build` builds it (scripts/build-cli.ts), once per test process: the tests run the
 * CLI that ships, dependencies bundled in.
 */
export function builtCli(): string {
  cli ??= buildCli(newOutputDir('cli-'))
  return cli
}
