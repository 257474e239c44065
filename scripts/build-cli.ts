// The `flowkeys` CLI as it ships, out/cli/cli.js: built by `npm run build` (after electron-vite), and the same
// way by the tests and benchmarks that run the CLI (test/helpers/bundle.ts).
//   tsx scripts/build-cli.ts [outdir]
import { rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildSync } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Where `npm run build` puts the CLI; bin/flowkeys.js runs it. */
export const CLI_OUTDIR = join(root, 'out', 'cli')

/**
 * Packages loaded from node_modules at run time: native addons, and the OpenAPI plugins, which read files of
 * their own package (swagger-ui's page and scripts, swagger's package.json) next to their code.
 */
const EXTERNAL = ['keytar', 'electron', '@fastify/swagger', '@fastify/swagger-ui']

/**
 * Bundles the CLI with its dependencies: every command starts Node, and with each dependency's files loaded
 * through Node's ESM resolver (electron-vite's main build leaves them external) a command spent about 300 ms
 * more before doing anything. Split so that the key server (Fastify and its plugins) is only read by `serve`.
 * The output sits inside the project so that the external packages resolve from its node_modules.
 */
export function buildCli(outdir: string = CLI_OUTDIR): string {
  rmSync(outdir, { recursive: true, force: true })
  buildSync({
    entryPoints: { cli: join(root, 'src/main/cli/main.ts') },
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    // CommonJS dependencies call require() for Node's modules; an ES module has none of its own.
    banner: {
      js: "import { createRequire as __flowkeysRequire } from 'node:module';\nconst require = __flowkeysRequire(import.meta.url);"
    },
    logLevel: 'warning'
  })
  return join(outdir, 'cli.js')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildCli(process.argv[2] ? resolve(process.argv[2]) : CLI_OUTDIR)
}
