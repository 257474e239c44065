import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // keytar is a native addon and several suites spawn processes: forks isolate them best.
    pool: 'forks',
    // Two at once even on 2 cores (vitest's default is one fewer than the cores): most files wait on child
    // processes, servers and Chromium rather than compute, and the suite must stay under 15 minutes.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Removes what each test file made (its temp folders, its build output) when the file ends.
    setupFiles: ['test/setup/file-end.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['test/**/*.test.ts'],
          // The renderer's end-to-end suite is Playwright's (playwright.config.ts).
          exclude: ['test/renderer/**'],
          // A throwaway PostgreSQL for the store tests (unless FLOWKEYS_TEST_DATABASE_URL names one).
          globalSetup: ['test/setup/postgres.ts']
        }
      },
      {
        // The core's tests and the reliability suite again on the PostgreSQL store (test/helpers/core.ts reads
        // FLOWKEYS_TEST_STORE).
        extends: true,
        test: {
          name: 'postgres',
          include: [
            'test/keys/**/*.test.ts',
            'test/users/**/*.test.ts',
            'test/core/**/*.test.ts',
            'test/variables/**/*.test.ts',
            'test/reliability/**/*.test.ts'
          ],
          // Only its OS-keychain test, which a shared store refuses (a file whose tests all skip runs no hooks).
          exclude: ['test/variables/scenario.test.ts'],
          env: { FLOWKEYS_TEST_STORE: 'postgres' },
          globalSetup: ['test/setup/postgres.ts']
        }
      }
    ]
  }
})
