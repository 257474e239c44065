import { execFile, execFileSync, spawnSync } from 'node:child_process'
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const isRoot = process.getuid?.() === 0

/** The folder holding initdb and pg_ctl: Debian keeps them out of PATH, under /usr/lib/postgresql/<version>/bin. */
export function findBinDir(): string | null {
  const debian = '/usr/lib/postgresql'
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(debian, v, 'bin'))
    : []
  const onPath = (process.env.PATH ?? '').split(':').filter(Boolean)
  return [...versions, ...onPath].find((dir) => existsSync(join(dir, 'initdb'))) ?? null
}

/** PostgreSQL refuses to run as root: as root, its programs run as the postgres user. */
function command(bin: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
}

async function pg(bin: string, args: string[]): Promise<void> {
  const [file, argv] = command(bin, args)
  try {
    await run(file, argv, { timeout: 120_000 })
  } catch (err) {
    const { stderr, stdout } = err as { stderr?: string; stdout?: string }
    throw new Error(`${[bin, ...args].join(' ')} failed: ${(stderr || stdout || String(err)).trim()}`, {
      cause: err
    })
  }
}

/** A port nobody listens on now (the server may still lose a race for it: start then tries another). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()))
    })
  })
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
  return { uid: id('-u'), gid: id('-g') }
}

/**
 * A fresh folder for a cluster under the OS temp dir. As root it is handed to the postgres user; when that user
 * cannot reach the temp dir (a private 0700 TMPDIR), the folder goes in /tmp instead. Either way it is removed.
 */
export function clusterFolder(): string {
  const make = (parent: string) => mkdtempSync(join(parent, 'flowkeys-pg-'))
  if (!isRoot) return make(tmpdir())
  const { uid, gid } = postgresIds()
  for (const parent of new Set([tmpdir(), '/tmp'])) {
    const dir = make(parent)
    chownSync(dir, uid, gid)
    if (spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-w', dir]).status === 0) return dir
    rmSync(dir, { recursive: true, force: true })
  }
  throw new Error('the postgres user can write neither in the temp dir nor in /tmp')
}

const dataOf = (dir: string) => join(dir, 'data')

/** initdb and start a cluster in `dir` on 127.0.0.1 (fsync off: nothing here must survive a crash); its URL. */
async function startCluster(dir: string, bin: string): Promise<string> {
  const data = dataOf(dir)
  const log = join(dir, 'log')
  await pg(join(bin, 'initdb'), [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'flowkeys',
    '-E',
    'UTF8',
    '--locale=C',
    '-N'
  ])
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const options = `-p ${port} -k '${dir}' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`
    try {
      await pg(join(bin, 'pg_ctl'), ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', options])
      return `postgresql://flowkeys@127.0.0.1:${port}/postgres`
    } catch (err) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-5).join(' | ') : ''
      if (attempt < 3 && /address already in use|could not bind/i.test(tail)) continue
      throw new Error(`${(err as Error).message}${tail ? ` (server log: ${tail})` : ''}`, { cause: err })
    }
  }
}

/** Stops the cluster in `dir` if one runs there (`fast` at teardown; `immediate` when the process is exiting). */
export function stopCluster(dir: string, bin: string, mode: 'fast' | 'immediate' = 'fast'): void {
  if (!existsSync(join(dataOf(dir), 'postmaster.pid'))) return
  const [file, argv] = command(join(bin, 'pg_ctl'), ['stop', '-D', dataOf(dir), '-m', mode, '-w'])
  spawnSync(file, argv, { timeout: 60_000 })
}

function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text)
  renameSync(`${file}.tmp`, file)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The URL of the run's cluster in `dir`, started by the first test process that asks (the others wait for it):
 * a run whose tests never need PostgreSQL starts none. Throws the reason it could not start.
 */
export async function sharedCluster(dir: string, bin: string, waitMs = 120_000): Promise<string> {
  const urlFile = join(dir, 'url')
  const errorFile = join(dir, 'error')
  let starter = false
  try {
    mkdirSync(join(dir, 'starting'))
    starter = true
  } catch {
    // Another test process is starting it, or did.
  }
  if (starter) {
    try {
      writeAtomically(urlFile, await startCluster(dir, bin))
    } catch (err) {
      writeAtomically(errorFile, (err as Error).message)
    }
  }
  for (const deadline = Date.now() + waitMs; ; await sleep(100)) {
    if (existsSync(urlFile)) return readFileSync(urlFile, 'utf8')
    if (existsSync(errorFile))
      throw new Error(`No PostgreSQL for the tests: ${readFileSync(errorFile, 'utf8')}`)
    if (Date.now() > deadline)
      throw new Error(`No PostgreSQL for the tests: none started in ${dir} within ${waitMs} ms`)
  }
}
