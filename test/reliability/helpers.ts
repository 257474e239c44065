import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { parseStore, STORE_FILE } from '../../src/main/store/data-file'
import type { Store } from '../../src/main/store/backend'
import { openStore } from '../../src/main/store/open'
import type { StoreData } from '../../src/main/store/schema'
import { builtCli, bundle } from '../helpers/bundle'
import { storeEnv, TEST_STORE, testStore } from '../helpers/core'
import { cliEnv } from '../cli/helpers'

/** Rejects when `promise` has not settled within `ms`: every wait in this suite is bounded. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Servers started by this test file: a test that times out leaves its server running, so the file ends them. */
const started = new Set<ServerProcess>()
afterAll(async () => {
  for (const server of started) if (server.alive) await server.kill()
})

/** A key server in its own process, on 127.0.0.1 and a random port. */
export class ServerProcess {
  url = ''
  /** Everything the process wrote to stdout and stderr (its log). */
  output = ''
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  private exitedYet = false

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    started.add(this)
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        this.exitedYet = true
        resolve({ code, signal })
      })
    )
  }

  get alive(): boolean {
    return !this.exitedYet
  }

  /**
   * The suite's fixture server (test/fixtures/reliability/server.ts): the core and startKeyServer, logging to
   * stderr. `maxFailures` raises the failed-key limit (20 a minute per client address by default). Like serve(),
   * it uses this project's store for `dataDir` (storeEnv), then `env`.
   */
  static async fixture(
    dataDir: string,
    options: { maxFailures?: number; env?: NodeJS.ProcessEnv } = {}
  ): Promise<ServerProcess> {
    const args = [bundle('test/fixtures/reliability/server.ts'), dataDir]
    if (options.maxFailures !== undefined) args.push(String(options.maxFailures))
    const env = cliEnv({ ...(await storeEnv(dataDir)), ...options.env })
    const server = new ServerProcess(spawn(process.execPath, args, { env }))
    return server.waitFor(/^\{"url":"([^"]+)"/m)
  }

  /**
   * The real `flowkeys serve --port 0` (the CLI bundle), which prints its access log on stdout; on this project's
   * store for `dataDir` (storeEnv: cliEnv() drops the caller's FLOWKEYS_* variables), then `env`.
   */
  static async serve(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
    const args = [builtCli(), 'serve', '--port', '0', '--data-dir', dataDir]
    const server = new ServerProcess(
      spawn(process.execPath, args, { env: cliEnv({ ...(await storeEnv(dataDir)), ...env }) })
    )
    return server.waitFor(/listening on (http:\/\/\S+)/)
  }

  private waitFor(pattern: RegExp): Promise<ServerProcess> {
    const ready = new Promise<ServerProcess>((resolve, reject) => {
      const onData = (chunk: string) => {
        this.output += chunk
        // Matched once: a server's log grows by megabytes, and searching all of it on every chunk costs seconds.
        if (this.url) return
        const match = pattern.exec(this.output)
        if (match) {
          this.url = match[1]!
          resolve(this)
        }
      }
      this.child.stdout.setEncoding('utf8').on('data', onData)
      this.child.stderr.setEncoding('utf8').on('data', onData)
      void this.exited.then(({ code }) =>
        reject(new Error(`the server exited (${code}) before listening: ${this.output}`))
      )
    })
    return within(ready, 20_000, 'server start')
  }

  /** SIGKILL: no cleanup of any kind. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL')
    await within(this.exited, 10_000, 'SIGKILL')
  }

  /** SIGTERM: a clean stop (requests in flight finish, usage counters are flushed). */
  async stop(): Promise<number | null> {
    if (this.alive) this.child.kill('SIGTERM')
    return (await within(this.exited, 15_000, 'server stop')).code
  }
}

export interface Answer {
  status: number
  text: string
  json(): unknown
}

export interface Call {
  method?: string
  headers?: Record<string, string>
  body?: string | Buffer
  agent?: Agent
}

/** One HTTP request to 127.0.0.1; a new connection unless an agent is given. Rejects on a network error. */
export function call(url: string, path: string, options: Call = {}): Promise<Answer> {
  const headers = { ...options.headers }
  // Node sends a DELETE's or GET's body with neither Content-Length nor chunked encoding: the server would read
  // it as the next request on the connection.
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body))
  return new Promise((resolve, reject) => {
    const req = request(
      url + path,
      { method: options.method ?? 'GET', headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) })
        })
        res.on('error', reject)
      }
    )
    req.setTimeout(15_000, () => req.destroy(new Error(`${options.method ?? 'GET'} ${path}: timed out`)))
    req.on('error', reject)
    req.end(options.body)
  })
}

export function json(method: string, body: unknown, headers: Record<string, string> = {}): Call {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }
}

export function storeFile(dataDir: string): string {
  return join(dataDir, STORE_FILE)
}

/**
 * The store's records. On the file, as parseStore reads it: throws Corrupt when the file is torn, truncated or
 * not a store. On PostgreSQL, exportAll() of the data directory's database (what is committed), through a store
 * opened for the call and closed after it.
 */
export async function storeData(dataDir: string): Promise<StoreData> {
  if (TEST_STORE === 'file')
    return parseStore(storeFile(dataDir), readFileSync(storeFile(dataDir), 'utf8')).data
  const store = await openStore(dataDir, (await storeEnv(dataDir)).FLOWKEYS_DATABASE_URL)
  try {
    return await store.exportAll()
  } finally {
    await store.close()
  }
}

/** JSON with every object's keys sorted: the same data always gives the same text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v
  )
}

/** The stores storeState() reads on PostgreSQL, one per data directory (closed when the file ends: testStore). */
const readers = new Map<string, Promise<Store>>()

/**
 * A snapshot of the whole store, to compare before and after an operation that must change nothing. On the file,
 * its bytes (every write replaces its write_id, so even a write of the same data shows). On PostgreSQL, a
 * canonical serialisation of exportAll() (ordered by creation, read in one snapshot), so any change to a record
 * shows; through one store kept open per data directory, as the fuzz tests call this thousands of times.
 */
export async function storeState(dataDir: string): Promise<Buffer> {
  if (TEST_STORE === 'file') return readFileSync(storeFile(dataDir))
  let reader = readers.get(dataDir)
  if (!reader) readers.set(dataDir, (reader = testStore(dataDir)))
  return Buffer.from(canonicalJson(await (await reader).exportAll()), 'utf8')
}
