// The renderer's end-to-end suite (test/renderer): `npm run test:e2e`, or inside a keyring session
// `bash scripts/with-keyring.sh npx playwright test [file]`. scripts/test.sh runs it alongside vitest.
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig, type ReporterDescription } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './test/renderer/chromium'

/** Where the JSON report goes, when asked for (scripts/test.sh sums its counts); Playwright's own variable. */
const jsonReport = process.env.PLAYWRIGHT_JSON_OUTPUT_FILE

export default defineConfig({
  testDir: 'test/renderer',
  testMatch: '*.test.ts',
  // Builds out/ when it is missing (`npm test` and `npm run test:e2e` build first).
  globalSetup: './test/renderer/global-setup.ts',
  // One file at a time: each has a core, a key server and a Chromium of its own, and vitest runs on the same two
  // cores when scripts/test.sh runs both.
  workers: 1,
  fullyParallel: false,
  // vitest's testTimeout. The app's launch, a worker fixture, has vitest's hookTimeout
  // (test/renderer/app-fixtures.ts); the hooks left in the files (a seed, a window size) have this one.
  timeout: 30_000,
  // A flaky test must show, and a test.only left in a file must not make the run skip the others.
  retries: 0,
  forbidOnly: true,
  reporter: [['list'], ...(jsonReport ? [['json', { outputFile: jsonReport }] as ReporterDescription] : [])],
  // No traces, videos or screenshots: a clean run writes there only Playwright's .last-run.json (a failure adds its
  // error-context.md). scripts/test.sh names a folder of its own, outside the temp dir it checks.
  outputDir: process.env.FLOWKEYS_E2E_OUTPUT ?? join(tmpdir(), 'flowkeys-e2e'),
  use: {
    trace: 'off',
    video: 'off',
    screenshot: 'off',
    // The tests launch Chromium themselves (test/renderer/harness.ts); were a test to ask for Playwright's own
    // browser, it gets Debian's Chromium too, never a download.
    launchOptions: { executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS }
  }
})
