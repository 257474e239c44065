import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BASIC_PROMPTING_ID, startStandinLangflow } from '../fixtures/langflow-upstream/standin'
import { cliEnv } from '../cli/helpers'
import { tempDir } from '../helpers/tmp'
import { clusterFolder, findBinDir } from '../setup/postgres-cluster'

// Every shell block of the README runs as written, or says in a marker why it cannot run here. The blocks run from
// the repository with `node bin/flowkeys.js`, which needs the build `npm test` makes first (scripts/test.sh).

interface Block {
  line: number
  marker: string
  code: string
}

/** The README's ```sh blocks, each with the `<!-- readme-test: … -->` marker that precedes it ('' if none). */
function shellBlocks(text: string): Block[] {
  const lines = text.split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```sh') continue
    let end = i + 1
    while (lines[end] !== '```') end++
    let before = i - 1
    while (before >= 0 && lines[before]!.trim() === '') before--
    const marker = /^<!-- readme-test: (.*) -->$/.exec(lines[before] ?? '')?.[1] ?? ''
    blocks.push({ line: i + 1, marker, code: lines.slice(i + 1, end).join('\n') })
    i = end
  }
  return blocks
}

const README = readFileSync('README.md', 'utf8')
const blocks = shellBlocks(README)
const root = tempDir('flowkeys-readme-')

/** A fresh user home: the default data directory and the keychain item are this test's own. */
function home(name: string): NodeJS.ProcessEnv {
  const dir = join(root, name)
  const bin = join(dir, 'bin')
  mkdirSync(bin, { recursive: true })
  // What `npm link` gives: a `flowkeys` command that runs the built CLI.
  writeFileSync(
    join(bin, 'flowkeys'),
    `#!/bin/sh\nexec "${process.execPath}" "${resolve('bin/flowkeys.js')}" "$@"\n`,
    {
      mode: 0o755
    }
  )
  return cliEnv({
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    PATH: `${bin}:${process.env.PATH ?? ''}`
  })
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer()
    probe.once('error', () => done(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)))
  })
}

/** The README names ports 7860 and 7861: wait until no other suite holds them (an app test may, briefly). */
async function waitForPorts(...ports: number[]): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`ports ${ports.join(', ')} stayed in use`)
}

/** Sends `signal` to the process group; false when there is none left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false
  }
}

async function groupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 100 && signalGroup(pgid, 0); i++) await new Promise((r) => setTimeout(r, 50))
}

function runBlock(
  code: string,
  env: NodeJS.ProcessEnv,
  user?: string
): Promise<{ code: number | null; out: string; err: string }> {
  const shell = ['bash', '-euo', 'pipefail', '-c', code]
  // A group of its own: a server the block starts in the background goes with it, even if the block fails.
  const child = user
    ? spawn('runuser', ['--preserve-environment', '-u', user, '--', ...shell], {
        env,
        cwd: process.cwd(),
        detached: true
      })
    : spawn(shell[0]!, shell.slice(1), { env, cwd: process.cwd(), detached: true })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c))
  child.stdin.end()
  // At the shell's exit, whatever it left running (and holding its output open) ends too.
  child.on('exit', () => signalGroup(child.pid!, 'SIGKILL'))
  return new Promise((done) =>
    child.on('close', (exit) => {
      // Nothing of the block may still write in its home when the test folder is removed.
      void groupGone(child.pid!).then(() => done({ code: exit, out, err }))
    })
  )
}

/** The top-level JSON objects in `text`, in order, whatever surrounds them. */
function jsonObjects(text: string): unknown[] {
  const found: unknown[] = []
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    let depth = 0
    let inString = false
    for (let i = start; i < text.length; i++) {
      const c = text[i]
      if (inString) {
        if (c === '\\') i++
        else if (c === '"') inString = false
      } else if (c === '"') inString = true
      else if (c === '{' || c === '[') depth++
      else if ((c === '}' || c === ']') && --depth === 0) {
        try {
          found.push(JSON.parse(text.slice(start, i + 1)))
          start = i
        } catch {
          // not JSON: go on from the next brace
        }
        break
      }
    }
  }
  return found
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return runBlock(`node bin/flowkeys.js ${args.map((a) => `'${a}'`).join(' ')}`, env).then((r) => {
    expect(r.code, r.err).toBe(0)
    return r.out
  })
}

describe('the README', () => {
  it('marks every shell block: run here, run against a stand-in, or skipped with a reason', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6)
    for (const block of blocks)
      expect(block.marker, `README.md:${block.line}`).toMatch(/^(run|upstream: .+|postgres: .+|skip: .+)$/)
    expect(blocks.filter((b) => !b.marker.startsWith('skip')).length).toBeGreaterThanOrEqual(2)
  })

  it('the key-server block: starts the server, makes a key, and both documented calls answer', async () => {
    const runnable = blocks.filter((b) => b.marker === 'run')
    expect(runnable).toHaveLength(1)
    await waitForPorts(7861)
    const result = await runBlock(runnable[0]!.code, home('key-server'))
    expect(result.code, result.err).toBe(0)
    // The server's own lines (start-up, access log) run into curl's answers, which end without a newline.
    const [whoami, listing] = jsonObjects(result.out)
    expect(whoami).toMatchObject({ username: 'langflow', is_superuser: true })
    expect(listing).toMatchObject({ api_keys: [{ name: 'local-dev' }] })
  })

  it('the run-through block: against a stand-in Langflow on 7860, the credential reaches the run', async () => {
    const upstream = blocks.filter((b) => b.marker.startsWith('upstream:'))
    expect(upstream).toHaveLength(1)
    await waitForPorts(7860, 7861)
    const standin = await startStandinLangflow({ honourGlobalVarHeaders: true }, 7860)
    const env = home('upstream')
    const apiKey = (JSON.parse(await cli(['api-key', '--json'], env)) as { api_key: string }).api_key
    const server = spawn(process.execPath, ['bin/flowkeys.js', 'serve'], { env })
    try {
      await new Promise<void>((ready, fail) => {
        let seen = ''
        server.stdout.setEncoding('utf8').on('data', (c: string) => {
          seen += c
          if (seen.includes('listening on')) ready()
        })
        server.on('close', () => fail(new Error(`serve ended: ${seen}`)))
      })
      const result = await runBlock(upstream[0]!.code, {
        ...env,
        LANGFLOW_UPSTREAM_KEY: standin.apiKey,
        OPENAI_API_KEY: 'sk-readme-openai-canary',
        LANGFLOW_API_KEY: apiKey,
        FLOW_ID: BASIC_PROMPTING_ID
      })
      expect(result.code, result.err).toBe(0)
      expect(result.out).toMatch(/Status:\s+answers, Langflow /)
      expect(result.out).toContain('Echo: Hello')
      expect(result.out).not.toContain(standin.apiKey)
      const run = standin.received.find((r) => r.path.startsWith('/api/v1/run/'))
      expect(run?.globalVarHeaders).toEqual({ OPENAI_API_KEY: 'sk-readme-openai-canary' })
      expect(run?.auth).toMatchObject({ key: standin.apiKey, accepted: true })
    } finally {
      const exited = new Promise((done) => server.once('exit', done))
      if (server.exitCode === null) server.kill('SIGTERM')
      await exited
      await standin.close()
    }
  })
  it('the team-store block: a throwaway PostgreSQL, two key servers on it, one key accepted by both', async () => {
    const team = blocks.filter((b) => b.marker.startsWith('postgres:'))
    expect(team).toHaveLength(1)
    await waitForPorts(7861, 7862)
    // PostgreSQL refuses to run as root: then the block runs as the postgres user, in a folder it can write.
    const user = process.getuid?.() === 0 ? 'postgres' : undefined
    const tmp = clusterFolder()
    const env = cliEnv({ HOME: tmp, XDG_CONFIG_HOME: join(tmp, '.config'), TMPDIR: tmp })
    try {
      const result = await runBlock(team[0]!.code, env, user)
      expect(result.code, result.err).toBe(0)
      const answers = jsonObjects(result.out)
      expect(answers).toEqual([
        expect.objectContaining({ username: 'langflow', is_superuser: true }),
        expect.objectContaining({ username: 'langflow', is_superuser: true })
      ])
      // The block removed its folder, database and all.
      expect(readdirSync(tmp).filter((name) => name !== '.config')).toEqual([])
    } finally {
      // A block that failed half-way may have left its database running.
      for (const folder of readdirSync(tmp)) {
        const data = join(tmp, folder, 'pg')
        if (!existsSync(join(data, 'postmaster.pid'))) continue
        const stop = [join(findBinDir()!, 'pg_ctl'), '-D', data, 'stop', '-m', 'immediate']
        if (user) spawnSync('runuser', ['-u', user, '--', ...stop])
        else spawnSync(stop[0]!, stop.slice(1))
      }
      rmSync(tmp, { recursive: true, force: true })
    }
  })
})
