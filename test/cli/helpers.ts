import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { expect } from 'vitest'
import { bundle } from '../helpers/bundle'
import { cliEnv, flowkeys, type CliResult } from './run-cli'

export { cliEnv, flowkeys, type CliResult } from './run-cli'

/**
 * `flowkeys <args> --data-dir <dir>` that also keeps each result in `outputs`, for the suites that check at the
 * end that no output held a secret.
 */
export function recordingRun(
  outputs: CliResult[]
): (dataDir: string, args: string[], input?: string) => Promise<CliResult> {
  return async (dataDir, args, input) => {
    const result = await flowkeys([...args, '--data-dir', dataDir], { input })
    outputs.push(result)
    return result
  }
}

/** `flowkeys <args> --data-dir <dir>`, expecting success; returns stdout. */
export async function ok(dataDir: string, args: string[], input?: string): Promise<string> {
  const result = await flowkeys([...args, '--data-dir', dataDir], { input })
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  return result.stdout
}

/** A refusal or usage error: the given exit code and exactly one `flowkeys: …` line on stderr, no stack. */
export function expectOneLineError(result: CliResult, code: 1 | 2): string {
  expect(result.code).toBe(code)
  const lines = result.stderr.trimEnd().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^flowkeys: \S/)
  expect(result.stderr).not.toMatch(/\n\s+at /)
  return lines[0]!
}

export { allFiles, expectNoFileHolds } from '../helpers/files'

export const KEY_PATTERN = /sk-[A-Za-z0-9_-]{43}/g

/** A long-running process that holds the store, like a key server: answers "verify <key>" with ok/refused. */
export class Holder {
  private readonly child: ChildProcessWithoutNullStreams
  private waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = []
  private lines: string[] = []
  private exited: number | null | undefined

  constructor(dataDir: string) {
    this.child = spawn(process.execPath, [bundle('test/cli/fixtures/holder.ts'), dataDir], { env: cliEnv() })
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => process.stderr.write(chunk))
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const waiter = this.waiting.shift()
      if (waiter) waiter.resolve(line)
      else this.lines.push(line)
    })
    this.child.on('exit', (code) => {
      this.exited = code
      for (const waiter of this.waiting.splice(0)) waiter.reject(new Error(`the holder exited (${code})`))
    })
  }

  next(): Promise<string> {
    const line = this.lines.shift()
    if (line !== undefined) return Promise.resolve(line)
    if (this.exited !== undefined) return Promise.reject(new Error(`the holder exited (${this.exited})`))
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }))
  }

  async verify(key: string): Promise<string> {
    this.child.stdin.write(`verify ${key}\n`)
    return this.next()
  }

  /** Closes the holder's core (flushing its counters) and waits for it to exit. */
  async close(): Promise<number | null> {
    if (this.exited !== undefined) return this.exited
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', resolve))
    this.child.stdin.end()
    return exited
  }
}
