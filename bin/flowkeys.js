#!/usr/bin/env node
// `flowkeys` launcher: runs the bundled CLI (out/main/cli.js, built by `npm run build`).
import { existsSync } from 'node:fs'

const cli = new URL('../out/main/cli.js', import.meta.url)

if (!existsSync(cli)) {
  process.stderr.write('FlowKeys CLI is not built: run `npm run build` (or use `npm run cli -- …`)\n')
  process.exit(1)
}

await import(cli.href)
