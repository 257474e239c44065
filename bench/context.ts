import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openCore, type Core } from '../src/main/core/open'
import { benchEnv } from './children'
import { seedKeys, seedVariables, type SeedVariablesOptions } from './seed'

/** One figure of the summary table. */
export interface Row {
  figure: string
  value: string
  target: string
  /** Undefined when the figure has no target. */
  met?: boolean
}

/** A part of the report: its summary rows and a detailed markdown section. */
export interface Section {
  title: string
  rows: Row[]
  details: string
}

export interface Seed {
  keys?: number
  variables?: number
  variableOptions?: SeedVariablesOptions
}

/** What every benchmark shares: where to put data, the environment, how long to run. */
export class BenchContext {
  readonly root = mkdtempSync(join(tmpdir(), 'flowkeys-bench-'))
  /**
   * The vault key comes from LANGFLOW_SECRET_KEY so the benchmark needs no OS keychain (the key's origin
   * does not change the cost of hashing or encryption).
   */
  readonly env = benchEnv({ LANGFLOW_SECRET_KEY: randomBytes(32).toString('base64url') })
  private dirs = 0

  constructor(
    readonly rounds: number,
    /** Seconds per load round. */
    readonly seconds: number
  ) {}

  log(message: string): void {
    process.stderr.write(`[bench] ${message}\n`)
  }

  newDir(name: string): string {
    const dir = join(this.root, `${this.dirs++}-${name}`)
    mkdirSync(dir, { recursive: true })
    return dir
  }

  openCore(dataDir: string): Promise<Core> {
    return openCore({ dataDir, env: this.env })
  }

  /** A data directory with the superuser and the seeded records; returns the seeded keys' plaintexts. */
  async prepare(name: string, seed: Seed = {}): Promise<{ dir: string; keys: string[] }> {
    const dir = this.newDir(name)
    const core = await this.openCore(dir)
    try {
      const keys = await seedKeys(core, seed.keys ?? 0)
      if (seed.variables) await seedVariables(core, seed.variables, seed.variableOptions)
      return { dir, keys }
    } finally {
      await core.close()
    }
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true })
  }
}

export function apiKeyHeader(key: string): Record<string, string> {
  return { 'x-api-key': key }
}
