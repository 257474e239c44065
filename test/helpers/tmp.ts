import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { atFileEnd } from './file-end'

/** The folders tempDir() made in this test file (each runs in a process of its own). */
const made = new Set<string>()

atFileEnd(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  made.clear()
})

/**
 * A fresh folder under the OS temp dir, removed when the test file ends (./file-end.ts). Anything a test puts in
 * the temp dir goes in one of these: scripts/test.sh fails the run if the tests leave anything there.
 */
export function tempDir(prefix = 'flowkeys-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.add(dir)
  return dir
}
