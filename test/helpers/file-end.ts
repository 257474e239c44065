// What a test file leaves behind (its temp folders, its build output) goes when the file ends. The helpers that make
// such things register here, as they are loaded, how to remove them; the test runner calls endFile() once a file
// has run: vitest from an afterAll that test/setup/file-end.ts (one of its setupFiles) registers in every file,
// Playwright when the worker that ran a renderer file tears down (test/renderer/app-fixtures.ts). Nothing here imports
// a test runner, so the tests of both can load these helpers.

const removals = new Set<() => void>()

/** Runs `remove` each time a test file ends (it must be safe to run when there is nothing to remove). */
export function atFileEnd(remove: () => void): void {
  removals.add(remove)
}

/** Removes what this file's tests left: every removal runs, then the first failure, if any, is thrown. */
export function endFile(): void {
  const failures: unknown[] = []
  for (const remove of removals) {
    try {
      remove()
    } catch (err) {
      failures.push(err)
    }
  }
  if (failures.length > 0) throw failures[0]
}
