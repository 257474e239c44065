import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { request } from 'node:http'
import { bundle } from '../test/helpers/bundle'
import type { ServerMode } from './server-child'

/** The environment every benchmark process runs in: the caller's, minus FlowKeys/Langflow settings, plus `extra`. */
export function benchEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(LANGFLOW_|FLOWKEYS_)/.test(name)) env[name] = value
  }
  return { ...env, ...extra }
}

/** A line-oriented child process: JSON lines out, command lines in. */
export class LineChild {
  readonly child: ChildProcessWithoutNullStreams
  private lines: string[] = []
  private waiting: ((line: string) => void)[] = []
  private stderr = ''
  readonly exited: Promise<number | null>

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { env })
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk))
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const waiter = this.waiting.shift()
      if (waiter) waiter(line)
      else this.lines.push(line)
    })
    this.exited = new Promise((resolve) => this.child.on('exit', resolve))
    void this.exited.then((code) => {
      for (const waiter of this.waiting.splice(0))
        waiter(JSON.stringify({ exited: code, stderr: this.stderr }))
    })
  }

  get pid(): number {
    return this.child.pid ?? -1
  }

  async next<T>(): Promise<T> {
    const line = this.lines.shift() ?? (await new Promise<string>((resolve) => this.waiting.push(resolve)))
    const parsed = JSON.parse(line) as T & { exited?: number | null; stderr?: string }
    if (parsed.exited !== undefined) throw new Error(`child exited (${parsed.exited}): ${parsed.stderr}`)
    return parsed
  }

  send(line: string): void {
    this.child.stdin.write(line + '\n')
  }
}

/** A benchmark server (bench/server-child.ts) in its own process. */
export class ServerChild extends LineChild {
  url = ''

  static async start(mode: ServerMode, arg: string, env: NodeJS.ProcessEnv): Promise<ServerChild> {
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each server child there (for finding hot spots).
    const profile = process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : []
    const server = new ServerChild(
      process.execPath,
      [...profile, bundle('bench/server-child.ts'), mode, arg],
      env
    )
    server.url = (await server.next<{ url: string }>()).url
    return server
  }

  async writes(): Promise<number> {
    this.send('writes')
    return (await this.next<{ writes: number }>()).writes
  }

  /** CPU time the server process used so far, in µs: in user space (JavaScript, V8) and in the kernel. */
  async cpu(): Promise<{ user: number; system: number }> {
    this.send('cpu')
    return this.next<{ user: number; system: number }>()
  }

  /** The server's own view of its memory (V8 heap, external buffers), in bytes. */
  async heap(): Promise<NodeJS.MemoryUsage> {
    this.send('heap')
    return this.next<NodeJS.MemoryUsage>()
  }

  /** Stops the server (flushing usage) and returns the store writes it made. */
  async stop(): Promise<number> {
    this.send('stop')
    const { writes } = await this.next<{ writes: number }>()
    await this.exited
    return writes
  }
}

/** Peak and current resident memory of a live process, from /proc (Linux), in bytes. */
export function memoryOf(pid: number): { peak: number; current: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (field: string): number =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
    return { peak: kb('VmHWM') * 1024, current: kb('VmRSS') * 1024 }
  } catch {
    return null
  }
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface Reply {
  status: number
  body: Buffer
}

/** One plain HTTP request (no keep-alive). */
export function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}
