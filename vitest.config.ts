import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // keytar is a native addon and several suites spawn processes: forks isolate them best.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'core', include: ['test/**/*.test.ts'], exclude: ['test/renderer/**'] }
      },
      {
        extends: true,
        test: { name: 'renderer', include: ['test/renderer/**/*.test.ts'], fileParallelism: false }
      }
    ]
  }
})
