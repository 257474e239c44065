import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

/** The folders tempDir() made in this test file (vitest runs each file in a process of its own). */
const made = new Set<string>()

function removeMade(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  made.clear()
}

// One hook for the whole file, registered while its imports are evaluated, before its body: afterAll hooks run
// last-registered first, so this one runs after the file's last test and the hooks its body registers. Not one
// afterAll per call: vitest silently drops an afterAll made inside a test or a beforeAll, which is how folders
// were left in the temp directory.
afterAll(removeMade)

/**
 * A fresh folder under the OS temp dir, removed when the test file ends. Anything a test puts in the temp dir
 * goes in one of these: scripts/test.sh fails the run if vitest leaves anything there.
 */
export function tempDir(prefix = 'flowkeys-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.add(dir)
  return dir
}
