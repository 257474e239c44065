import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { afterEach } from 'vitest'
import { builtCli } from '../helpers/bundle'
import { cliEnv } from '../cli/helpers'

/** A spawned `flowkeys serve` (the CLI as it ships), with its output collected. */
export class Serve {
  readonly child: ChildProcessWithoutNullStreams
  stdout = ''
  stderr = ''
  readonly exited: Promise<number | null>
  private waiters: (() => void)[] = []

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [builtCli(), 'serve', ...args], { env: cliEnv(env) })
    this.child.stdin.end()
    const wake = () => this.waiters.splice(0).forEach((w) => w())
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk
      wake()
    })
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk
      wake()
    })
    this.exited = new Promise((resolve) => this.child.on('close', (code) => (wake(), resolve(code))))
  }

  /** Resolves when stdout matches (with the match), or rejects if the process ends first. */
  async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    let ended = false
    void this.exited.then(() => (ended = true))
    for (;;) {
      const match = this.stdout.match(pattern)
      if (match) return match
      if (ended || this.child.exitCode !== null)
        throw new Error(`serve exited before printing ${pattern}:\n${this.stdout}\n${this.stderr}`)
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }

  async url(): Promise<string> {
    return (await this.waitFor(/listening on (https?:\/\/\S+)/))[1] ?? ''
  }
}

const running: Serve[] = []

/** Starts `flowkeys serve ARGS`; whatever still runs after the test is killed. */
export function serve(args: string[], env: NodeJS.ProcessEnv = {}): Serve {
  const child = new Serve(args, env)
  running.push(child)
  return child
}

afterEach(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null) p.child.kill('SIGKILL')
    await p.exited
  }
})
