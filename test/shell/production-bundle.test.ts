// Reads the Electron main bundle that `bash scripts/build.sh` produced (npm test builds before vitest): a
// production build must have no code path that honours ELECTRON_RENDERER_URL, and must load the renderer from
// app://flowkeys, never from file://.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const mainDir = join(root, 'out', 'main')
const entry = join(mainDir, 'index.js')

/** out/main/index.js and any chunk beside it. */
function mainBundle(): string {
  const files = readdirSync(mainDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'))
  return files.map((f) => readFileSync(join(mainDir, f), 'utf8')).join('\n')
}

describe('the production main bundle (out/main)', () => {
  it('exists: run `bash scripts/build.sh` first', () => {
    expect(existsSync(entry), `${entry} is missing: run bash scripts/build.sh`).toBe(true)
  })

  it('never reads ELECTRON_RENDERER_URL', () => {
    expect(mainBundle()).not.toContain('ELECTRON_RENDERER_URL')
  })

  it('serves the renderer on app://flowkeys and never loads it from file://', () => {
    const code = mainBundle()
    // The checks above mean something only if this is the real shell bundle.
    expect(code).toContain('registerSchemesAsPrivileged')
    expect(code).toMatch(/protocol\.handle\(/)
    expect(code).toContain('app://flowkeys')
    expect(code).not.toMatch(/\.loadFile\(/)
  })
})
