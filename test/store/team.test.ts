import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { builtCli } from '../helpers/bundle'
import { freshDatabaseUrl, sqlIn } from '../helpers/postgres'
import { tempDir } from '../helpers/tmp'
import { cliEnv, flowkeys } from '../cli/helpers'
import { send, sendJson, type RawResponse } from '../server/http'

// A team's key store (issue "A team's key store", "Tests and proof"): two real `flowkeys serve` processes, each
// with a data folder of its own, share one PostgreSQL database and one vault key. A key made or revoked through
// one server counts on the other at once; concurrent clients on both get exact answers and exact usage counts;
// a server killed with SIGKILL loses no write it acknowledged.

const root = tempDir('flowkeys-team-')
let folders = 0

const SUPERUSER = 'team-admin'
const SUPERUSER_PASSWORD = 'team-admin-password-1'
const INVALID_KEY = 'Invalid or missing API key'
const TOO_MANY_FAILURES = 'Too many failed authentication attempts. Try again later.'
/** The failed-attempt limit of a server (src/main/base/failure-limiter.ts): 20 per client per minute. */
const MAX_FAILURES = 20

/** One team: a fresh database and the settings every server and CLI run of it shares. */
interface Team {
  url: string
  env: NodeJS.ProcessEnv
}

async function newTeam(): Promise<Team> {
  const url = await freshDatabaseUrl()
  return {
    url,
    env: cliEnv({
      FLOWKEYS_DATABASE_URL: url,
      FLOWKEYS_SECRET_KEY: randomBytes(32).toString('base64url'),
      LANGFLOW_AUTO_LOGIN: 'false',
      LANGFLOW_SUPERUSER: SUPERUSER,
      LANGFLOW_SUPERUSER_PASSWORD: SUPERUSER_PASSWORD
    })
  }
}

function newDataDir(): string {
  return join(root, `data${folders++}`)
}

/** A spawned `flowkeys serve --port 0`, with its output collected. */
class Server {
  readonly child: ChildProcessWithoutNullStreams
  stdout = ''
  stderr = ''
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  private waiters: (() => void)[] = []

  constructor(team: Team) {
    this.child = spawn(process.execPath, [builtCli(), 'serve', '--port', '0', '--data-dir', newDataDir()], {
      env: team.env
    })
    this.child.stdin.end()
    const wake = () => this.waiters.splice(0).forEach((w) => w())
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((this.stdout += chunk), wake()))
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => ((this.stderr += chunk), wake()))
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code, signal) => (wake(), resolve({ code, signal })))
    )
  }

  /** The server's URL once it is ready to answer (its banner printed), or a rejection if it exits first. */
  async ready(): Promise<string> {
    for (;;) {
      const url = /listening on (http:\/\/\S+)/.exec(this.stdout)?.[1]
      if (url && this.stdout.includes('Press Ctrl+C to stop.')) return url
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`serve exited before it was ready:\n${this.stdout}\n${this.stderr}`)
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }

  /** SIGTERM, as an operator stops it: exits 0 once requests in flight finished and usage counts are written. */
  async stop(): Promise<void> {
    this.child.kill('SIGTERM')
    const { code } = await this.exited
    expect(code, this.stderr).toBe(0)
    expect(this.stdout).toMatch(/Stopping \(SIGTERM\)…\nStopped\.\n$/)
  }
}

// Built once, within the hook timeout (the servers and CLI runs below start the bundle as it ships).
beforeAll(() => void builtCli())

const running: Server[] = []

/** Starts `count` servers on the team's database at the same time (their first start races on a fresh one). */
async function startServers(team: Team, count: number): Promise<{ server: Server; url: string }[]> {
  const servers = Array.from({ length: count }, () => new Server(team))
  running.push(...servers)
  return Promise.all(servers.map(async (server) => ({ server, url: await server.ready() })))
}

async function killAll(): Promise<void> {
  for (const server of running.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
    await server.exited
  }
}
afterEach(killAll)
afterAll(killAll)

/** A superuser key made by `flowkeys api-key --json` on the team's database (a CLI run of its own). */
async function cliKey(team: Team, name: string): Promise<{ id: string; api_key: string }> {
  const result = await flowkeys(['api-key', '--json', '--name', name, '--data-dir', newDataDir()], {
    env: team.env
  })
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  return JSON.parse(result.stdout) as { id: string; api_key: string }
}

function whoami(url: string, key: string): Promise<RawResponse> {
  return send(`${url}/api/v1/users/whoami`, { headers: { 'x-api-key': key } })
}

async function createKey(
  url: string,
  adminKey: string,
  name: string
): Promise<{ id: string; api_key: string }> {
  const res = await sendJson(`${url}/api/v1/api_key/`, 'POST', { name }, { 'x-api-key': adminKey })
  expect(res.status, res.text).toBe(200)
  return res.json() as { id: string; api_key: string }
}

async function revokeKey(url: string, adminKey: string, id: string): Promise<void> {
  const res = await send(`${url}/api/v1/api_key/${id}`, {
    method: 'DELETE',
    headers: { 'x-api-key': adminKey }
  })
  expect(res.status, res.text).toBe(200)
  expect(res.json()).toEqual({ detail: 'API Key deleted' })
}

/** A string shaped like a key (so the server looks it up) that no server ever made. */
function unknownKey(): string {
  return `sk-${randomBytes(32).toString('base64url')}`
}

describe("a team's key store: two key servers on one PostgreSQL database", () => {
  it('a key made through one server works on the other, and once revoked is refused there at the next request', async () => {
    const team = await newTeam()
    // Both first starts race on the empty database: tables, vault check and superuser are made once.
    const [a, b] = await startServers(team, 2)
    const admin = await cliKey(team, 'admin')

    const made = await createKey(a!.url, admin.api_key, 'made-on-a')
    const onB = await whoami(b!.url, made.api_key)
    expect(onB.status, onB.text).toBe(200)
    expect(onB.json()).toMatchObject({ username: SUPERUSER, is_superuser: true })
    const listedOnB = await send(`${b!.url}/api/v1/api_key/`, { headers: { 'x-api-key': admin.api_key } })
    expect((listedOnB.json() as { api_keys: { id: string }[] }).api_keys.map((k) => k.id)).toContain(made.id)

    // The same vault key on both: a variable sealed by A is opened by B.
    const variable = await sendJson(
      `${a!.url}/api/v1/variables/`,
      'POST',
      { name: 'SHARED_SETTING', value: 'sealed-by-a', type: 'Generic' },
      { 'x-api-key': made.api_key }
    )
    expect(variable.status, variable.text).toBe(201)
    const readOnB = await send(`${b!.url}/api/v1/variables/`, { headers: { 'x-api-key': made.api_key } })
    expect(readOnB.json()).toContainEqual(
      expect.objectContaining({ name: 'SHARED_SETTING', value: 'sealed-by-a' })
    )

    // Revoked through A: B refuses it at its very next request (B served it a moment ago: nothing is cached).
    expect((await whoami(b!.url, made.api_key)).status).toBe(200)
    await revokeKey(a!.url, admin.api_key, made.id)
    for (const url of [b!.url, a!.url]) {
      const refused = await whoami(url, made.api_key)
      expect(refused.status).toBe(403)
      expect(refused.json()).toEqual({ detail: INVALID_KEY })
    }

    // Revoked by `flowkeys keys revoke` (a third process): both servers refuse it at their next request.
    const other = await createKey(b!.url, admin.api_key, 'made-on-b')
    for (const url of [a!.url, b!.url]) expect((await whoami(url, other.api_key)).status).toBe(200)
    const revoked = await flowkeys(['keys', 'revoke', other.id, '--yes', '--data-dir', newDataDir()], {
      env: team.env
    })
    expect(revoked.stderr).toBe('')
    expect(revoked.code).toBe(0)
    expect(revoked.stdout).toContain(`(${other.id}) of ${SUPERUSER}`)
    for (const url of [a!.url, b!.url]) {
      const refused = await whoami(url, other.api_key)
      expect(refused.status).toBe(403)
      expect(refused.json()).toEqual({ detail: INVALID_KEY })
    }

    await Promise.all([a!.server.stop(), b!.server.stop()])
    for (const server of [a!.server, b!.server]) {
      expect(server.stdout).toContain('Team store: PostgreSQL ')
      expect(server.stderr).toBe('')
      for (const key of [admin.api_key, made.api_key, other.api_key])
        expect(server.stdout).not.toContain(key.slice(8))
    }
  })

  it('2 × 25 concurrent clients get the right answer for every key, and usage counts are exact', async () => {
    const team = await newTeam()
    const servers = await startServers(team, 2)
    const admin = await cliKey(team, 'admin')
    /** 200 answers per key id, the admin key's included (its uses are counted like any other). */
    const served = new Map<string, number>()
    const count = (id: string) => served.set(id, (served.get(id) ?? 0) + 1)

    const clientsPerServer = 25
    const requestsPerClient = 40
    // Each client's own key, made half through each server; one key every client also uses, on both servers;
    // revoked keys, made through one server and revoked through the other.
    const own: { id: string; api_key: string }[][] = []
    for (const [s, { url }] of servers.entries()) {
      own.push(
        await Promise.all(
          Array.from({ length: clientsPerServer }, (_, c) =>
            createKey(url, admin.api_key, `client-${s}-${c}`)
          )
        )
      )
    }
    const shared = await createKey(servers[0]!.url, admin.api_key, 'shared')
    const revoked = await Promise.all(
      Array.from({ length: 6 }, (_, i) => createKey(servers[i % 2]!.url, admin.api_key, `revoked-${i}`))
    )
    for (const [i, key] of revoked.entries())
      await revokeKey(servers[(i + 1) % 2]!.url, admin.api_key, key.id)
    const setupRequests = 2 * clientsPerServer + 1 + revoked.length * 2
    for (let i = 0; i < setupRequests; i++) count(admin.id)

    const bad = [...revoked.map((k) => k.api_key), unknownKey(), unknownKey(), 'sk-not-a-key', 'nonsense']
    /** Per server: the statuses of its answers to bad keys. */
    const badAnswers: number[][] = servers.map(() => [])
    const wrong: string[] = []

    const client = async (s: number, c: number): Promise<void> => {
      const { url } = servers[s]!
      const mine = own[s]![c]!
      for (let i = 0; i < requestsPerClient; i++) {
        // A quarter bad keys, an eighth the shared key, the rest the client's own.
        const kind = i % 4 === 3 ? 'bad' : i % 8 === 1 ? 'shared' : 'own'
        const key =
          kind === 'bad' ? bad[(c + i) % bad.length]! : kind === 'shared' ? shared.api_key : mine.api_key
        // Over kept-alive connections, as an SDK sends them (a clean stop must not wait on them either).
        const res = await fetch(`${url}/api/v1/users/whoami`, { headers: { 'x-api-key': key } })
        const text = await res.text()
        if (kind === 'bad') {
          badAnswers[s]!.push(res.status)
          const detail = (JSON.parse(text) as { detail: string }).detail
          if (
            !(res.status === 403 && detail === INVALID_KEY) &&
            !(res.status === 429 && detail === TOO_MANY_FAILURES)
          )
            wrong.push(`server ${s} client ${c} request ${i} (bad key): ${res.status} ${text}`)
        } else if (res.status === 200) {
          count(kind === 'shared' ? shared.id : mine.id)
        } else {
          wrong.push(`server ${s} client ${c} request ${i} (${kind} key): ${res.status} ${text}`)
        }
      }
    }
    await Promise.all(
      servers.flatMap((_, s) => Array.from({ length: clientsPerServer }, (_, c) => client(s, c)))
    )
    expect(wrong).toEqual([])

    // Every loopback client is one client for the limiter: each server answers exactly its first 20 bad keys
    // with 403, then 429 (the minute has not passed); a valid key is always served meanwhile.
    for (const answers of badAnswers) {
      const total = clientsPerServer * (requestsPerClient / 4)
      expect(answers).toHaveLength(total)
      expect(answers.filter((status) => status === 403)).toHaveLength(MAX_FAILURES)
      expect(answers.filter((status) => status === 429)).toHaveLength(total - MAX_FAILURES)
    }

    // Stopped cleanly, both write what they counted: every key's total is exactly the 200s it got, on both.
    await Promise.all(servers.map(({ server }) => server.stop()))
    const rows = await sqlIn<{ id: string; total_uses: string; last_used_at: Date | null }>(
      team.url,
      'SELECT id, total_uses, last_used_at FROM api_keys'
    )
    const stored = new Map(rows.map((row) => [row.id, row]))
    expect(stored.size).toBe(1 + 2 * clientsPerServer + 1)
    for (const key of revoked) expect(stored.has(key.id)).toBe(false)
    const ownPerClient = requestsPerClient - requestsPerClient / 4 - requestsPerClient / 8
    for (const key of own.flat()) expect(served.get(key.id)).toBe(ownPerClient)
    expect(served.get(shared.id)).toBe(2 * clientsPerServer * (requestsPerClient / 8))
    for (const [id, uses] of served) {
      expect({ id, uses: Number(stored.get(id)?.total_uses) }).toEqual({ id, uses })
      expect(stored.get(id)?.last_used_at).not.toBeNull()
    }
  }, 60_000)

  it('a server killed with SIGKILL under write load loses no write it acknowledged', async () => {
    const team = await newTeam()
    const [a, b] = await startServers(team, 2)
    const admin = await cliKey(team, 'admin')

    const ackedKeys: { id: string; name: string; api_key: string }[] = []
    const ackedVariables: { id: string; name: string; value: string }[] = []
    let failed = 0
    let killed = false
    const writer = async (w: number): Promise<void> => {
      for (let n = 0; ; n++) {
        try {
          if (n % 2 === 0) {
            const name = `w${w}-key-${n}`
            const res = await sendJson(
              `${a!.url}/api/v1/api_key/`,
              'POST',
              { name },
              { 'x-api-key': admin.api_key }
            )
            if (res.status !== 200) throw new Error(`${res.status} ${res.text}`)
            const body = res.json() as { id: string; api_key: string }
            ackedKeys.push({ id: body.id, name, api_key: body.api_key })
          } else {
            const name = `W${w}_VAR_${n}`
            const value = `value-${w}-${n}-${randomBytes(6).toString('hex')}`
            const res = await sendJson(
              `${a!.url}/api/v1/variables/`,
              'POST',
              { name, value, type: n % 4 === 1 ? 'Generic' : 'Credential' },
              { 'x-api-key': admin.api_key }
            )
            if (res.status !== 201) throw new Error(`${res.status} ${res.text}`)
            ackedVariables.push({ id: (res.json() as { id: string }).id, name, value })
          }
        } catch (err) {
          // Only a write the kill cut off may fail: no answer at all (a reset or refused connection).
          if (!killed) throw err
          failed++
          return
        }
      }
    }
    let writerFailed = false
    const writers = Array.from({ length: 12 }, (_, w) =>
      writer(w).catch((err: unknown) => {
        writerFailed = true
        throw err
      })
    )
    // Killed mid-stream, once a good number of writes went through (a write refused before the kill ends the wait).
    while (ackedKeys.length + ackedVariables.length < 150 && !writerFailed)
      await new Promise((r) => setTimeout(r, 20))
    killed = true
    a!.server.child.kill('SIGKILL')
    await Promise.all(writers)
    expect(await a!.server.exited).toEqual({ code: null, signal: 'SIGKILL' })
    expect(failed).toBe(writers.length)

    // Every acknowledged write is in the database.
    const keyRows = await sqlIn<{ id: string; name: string }>(team.url, 'SELECT id, name FROM api_keys')
    const keysById = new Map(keyRows.map((row) => [row.id, row.name]))
    for (const key of ackedKeys) expect(keysById.get(key.id)).toBe(key.name)
    const variableRows = await sqlIn<{ id: string; name: string }>(team.url, 'SELECT id, name FROM variables')
    const variablesById = new Map(variableRows.map((row) => [row.id, row.name]))
    for (const variable of ackedVariables) expect(variablesById.get(variable.id)).toBe(variable.name)

    // And usable through the surviving server: each key authenticates, each variable is listed (a Generic one's
    // value opened with the shared vault key).
    const surviving = b!.url
    for (let i = 0; i < ackedKeys.length; i += 25) {
      const statuses = await Promise.all(
        ackedKeys.slice(i, i + 25).map(async (key) => (await whoami(surviving, key.api_key)).status)
      )
      expect(statuses.every((status) => status === 200)).toBe(true)
    }
    const listed = await send(`${surviving}/api/v1/variables/`, { headers: { 'x-api-key': admin.api_key } })
    expect(listed.status).toBe(200)
    const byId = new Map(
      (listed.json() as { id: string; value: string | null }[]).map((v) => [v.id, v.value])
    )
    for (const variable of ackedVariables) {
      expect(byId.has(variable.id)).toBe(true)
      const generic = Number(/_(\d+)$/.exec(variable.name)?.[1]) % 4 === 1
      expect(byId.get(variable.id)).toBe(generic ? variable.value : null)
    }

    // The kill left no write lock behind: the survivor still writes.
    const after = await createKey(surviving, admin.api_key, 'after-the-kill')
    expect((await whoami(surviving, after.api_key)).status).toBe(200)
    await b!.server.stop()
  }, 45_000)
})
