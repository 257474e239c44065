import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * FlowKeys' version, from its package.json: found by walking up from this module, which works from the sources
 * (tsx), from the build (out/main) and from test bundles alike.
 */
function readVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string
        version?: string
      }
      if (pkg.name === 'flowkeys' && pkg.version) return pkg.version
    } catch {
      /* not here: keep walking up */
    }
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return '0.0.0-unknown'
}

export const APP_VERSION = readVersion()
