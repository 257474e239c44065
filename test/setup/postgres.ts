import { rmSync } from 'node:fs'
import type { TestProject } from 'vitest/node'
import { clusterFolder, findBinDir, stopCluster } from './postgres-cluster'

/**
 * What the tests get: a PostgreSQL URL (FLOWKEYS_TEST_DATABASE_URL), or the folder and binaries of this run's
 * throwaway cluster (started by the first test that needs it: see sharedCluster), or why there is none.
 */
export type TestPostgres = { url: string } | { dir: string; bin: string } | { error: string }

declare module 'vitest' {
  export interface ProvidedContext {
    flowkeysPostgres: TestPostgres
  }
}

/**
 * globalSetup of the core tests: FLOWKEYS_TEST_DATABASE_URL when set, otherwise a folder for a throwaway cluster,
 * whose server is stopped and folder removed at teardown. Without PostgreSQL the tests that need it fail with the
 * reason (never skip).
 */
export default function setup(project: TestProject): (() => void) | undefined {
  const external = process.env.FLOWKEYS_TEST_DATABASE_URL?.trim()
  if (external) {
    project.provide('flowkeysPostgres', { url: external })
    return undefined
  }
  const bin = findBinDir()
  if (!bin) {
    project.provide('flowkeysPostgres', {
      error:
        'No PostgreSQL for the tests: PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH). Install the postgresql package (bash scripts/setup.sh) or set FLOWKEYS_TEST_DATABASE_URL to a server where the tests may create databases.'
    })
    return undefined
  }
  let dir: string
  try {
    dir = clusterFolder()
  } catch (err) {
    project.provide('flowkeysPostgres', { error: `No PostgreSQL for the tests: ${(err as Error).message}` })
    return undefined
  }
  const teardown = (mode: 'fast' | 'immediate') => {
    process.removeListener('exit', onExit)
    stopCluster(dir, bin, mode)
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  }
  // vitest ending without its teardown (killed, a crash): the server and its folder still go.
  const onExit = () => teardown('immediate')
  process.once('exit', onExit)
  project.provide('flowkeysPostgres', { dir, bin })
  return () => teardown('fast')
}
