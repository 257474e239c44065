#!/usr/bin/env node
// `flowkeys` launcher: runs the bundled CLI (out/cli/cli.js, built by `npm run build`: scripts/build-cli.ts).
import { existsSync } from 'node:fs'

const cli = new URL('../out/cli/cli.js', import.meta.url)

if (!existsSync(cli)) {
  process.stderr.write('FlowKeys CLI is not built: run `npm run build` (or use `npm run cli -- …`)\n')
  process.exit(1)
}

await import(cli.href)
