#!/usr/bin/env node
// The Electronegativity gate: scans the app's sources (default: src, i.e. main, preload, renderer and shared)
// through Electronegativity's run() API, prints each finding on one line, and exits 1 if any finding is of
// MEDIUM severity or above (its CLI exits 0 whatever it finds, so it cannot gate by itself).
//
//   node scripts/electronegativity.mjs [dir-or-file]
//
// A finding that has been reviewed is silenced where it occurs, with Electronegativity's own
// `// eng-disable CHECK_ID` comment and a line saying why, never here.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const GATE = 2 // Electronegativity's severity values: INFORMATIONAL 0, LOW 1, MEDIUM 2, HIGH 3

// Blocking whatever severity the tool gives them: for Electron >= 5 it rates an explicit `nodeIntegration: true`
// INFORMATIONAL (the default is off), but turning Node on in a renderer is exactly what this gate is for.
const ALWAYS_BLOCKING = new Set([
  'NODE_INTEGRATION_JS_CHECK',
  'NODE_INTEGRATION_HTML_CHECK',
  'NODE_INTEGRATION_ATTACH_EVENT_JS_CHECK'
])

// Downloads Electron's release list from GitHub to report missing security fixes: no network here, and the
// Electron version is pinned in package.json and updated deliberately.
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck']

function electronVersion() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const range = pkg.devDependencies?.electron ?? pkg.dependencies?.electron ?? ''
  return range.replace(/^[^\d]*/, '') || undefined
}

async function main() {
  const input = resolve(root, process.argv[2] ?? 'src')
  const run = require('@doyensec/electronegativity')

  // The tool logs progress and a translation download failure to stdout; keep the output to the findings.
  const log = console.log
  console.log = () => undefined
  let result
  try {
    result = await run({
      input,
      isRelative: true,
      electronVersionOverride: electronVersion(),
      excludeFromScan: EXCLUDED_CHECKS
    })
  } finally {
    console.log = log
  }

  const where = relative(root, input) || '.'
  for (const error of result.errors.filter((e) => !e.tolerable)) {
    console.log(`electronegativity: could not parse ${error.file}: ${error.message}`)
  }
  const findings = result.issues
    .map((issue) => ({ ...issue, line: issue.location?.line ?? 0 }))
    .sort((a, b) => b.severity.value - a.severity.value || a.file.localeCompare(b.file) || a.line - b.line)
  for (const f of findings) {
    const sample = String(f.sample ?? '')
      .replace(/\s+/g, ' ')
      .slice(0, 80)
    const mark = f.severity.value >= GATE || ALWAYS_BLOCKING.has(f.id) ? '✗' : ' '
    console.log(
      `${mark} ${f.severity.name.padEnd(13)} ${f.id} ${join(where, f.file)}:${f.line} ${f.description} [${f.confidence.name}] ${sample}`
    )
  }
  const blocking = findings.filter((f) => f.severity.value >= GATE || ALWAYS_BLOCKING.has(f.id))
  const unparsed = result.errors.filter((e) => !e.tolerable).length
  console.log(
    `electronegativity: ${findings.length} finding(s) in ${where}, ${blocking.length} blocking (medium severity or above, or Node integration)` +
      (unparsed ? `, ${unparsed} file(s) not parsed` : '')
  )
  process.exit(blocking.length > 0 || unparsed > 0 ? 1 : 0)
}

main().catch((error) => {
  console.log(`electronegativity: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
