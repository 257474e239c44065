#!/usr/bin/env node
// `flowkeys` launcher: runs the bundled CLI (out/cli/cli.js, built by `npm run build`: scripts/build-cli.ts).
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const cli = new URL('../out/cli/cli.js', import.meta.url)
// What the CLI is built from: scripts/build-cli.ts bundles src/main/cli/main.ts, what it imports, and the
// dependencies as package-lock.json pins them.
const inputs = ['../src/main', '../src/shared', '../scripts/build-cli.ts', '../package-lock.json'].map(
  (path) => fileURLToPath(new URL(path, import.meta.url))
)

if (!existsSync(cli)) {
  process.stderr.write('FlowKeys CLI is not built: run `npm run build` (or use `npm run cli -- …`)\n')
  process.exit(1)
}

/** Whether the file, or any file under the folder, at `path` changed after `time` (ms); false if none is there. */
function changedSince(path, time) {
  const stats = statSync(path, { throwIfNoEntry: false })
  if (!stats?.isDirectory()) return (stats?.mtimeMs ?? 0) > time
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && statSync(join(entry.parentPath, entry.name)).mtimeMs > time) return true
  }
  return false
}

// In a checkout, a CLI built before the sources last changed (`npm start` and `git pull` leave out/cli as it
// was), or before the dependencies were updated, would silently run old code: say so. An installed package has
// neither sources nor a lock file and skips this.
const builtAt = statSync(cli).mtimeMs
if (inputs.some((path) => changedSince(path, builtAt))) {
  process.stderr.write(
    'FlowKeys: out/cli is older than the sources; run `npm run build` to run the current code\n'
  )
}

await import(cli.href)
