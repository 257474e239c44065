#!/usr/bin/env node
// `flowkeys` launcher: runs the bundled CLI (out/cli/cli.js, built by `npm run build`: scripts/build-cli.ts).
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const cli = new URL('../out/cli/cli.js', import.meta.url)
// What the CLI is built from (scripts/build-cli.ts bundles src/main/cli/main.ts and what it imports).
const sources = ['../src/main', '../src/shared'].map((dir) => fileURLToPath(new URL(dir, import.meta.url)))

if (!existsSync(cli)) {
  process.stderr.write('FlowKeys CLI is not built: run `npm run build` (or use `npm run cli -- …`)\n')
  process.exit(1)
}

/** Whether any file under `dir` changed after `time` (ms); stops at the first one. */
function changedSince(dir, time) {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && statSync(join(entry.parentPath, entry.name)).mtimeMs > time) return true
  }
  return false
}

// In a checkout, a CLI built before the sources last changed (`npm start` and `git pull` leave out/cli as it
// was) would silently run old code: say so. An installed package has no sources and skips this.
const builtAt = statSync(cli).mtimeMs
if (sources.some((dir) => existsSync(dir) && changedSince(dir, builtAt))) {
  process.stderr.write(
    'FlowKeys: out/cli is older than the sources; run `npm run build` to run the current code\n'
  )
}

await import(cli.href)
