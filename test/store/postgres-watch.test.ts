// The app on a team's PostgreSQL store hears other servers' writes (the `store:changed` push): every write
// transaction notifies at its commit, the watching store LISTENs on a connection of its own and ignores its own
// notifications. Over a real PostgreSQL and the real CLI in another process.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessLog } from '../../src/main/audit/access-log'
import { openCore, type Core } from '../../src/main/core/open'
import { pushService, wirePushes } from '../../src/main/ipc/pushes'
import type { EventName } from '../../src/shared/ipc'
import { cliEnv, flowkeys } from '../cli/helpers'
import { freshDatabaseUrl, sqlIn } from '../helpers/postgres'
import { tempDir } from '../helpers/tmp'

const DEBOUNCE_MS = 50
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

async function eventually(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting')
    await sleep(20)
  }
}

let url: string
let env: NodeJS.ProcessEnv
let core: Core

beforeAll(async () => {
  url = await freshDatabaseUrl()
  env = { FLOWKEYS_DATABASE_URL: url, FLOWKEYS_SECRET_KEY: randomBytes(32).toString('base64url') }
  core = await openCore({ dataDir: tempDir('flowkeys-pgwatch-'), env })
})

afterAll(async () => {
  await core?.close()
})

/** `flowkeys vars set NAME` from another OS process, on the same database. */
async function setFromCli(name: string): Promise<void> {
  const result = await flowkeys(
    ['vars', 'set', name, '--type', 'Generic', '--value-stdin', '--data-dir', tempDir('flowkeys-pgwatch-')],
    { input: 'value', env: cliEnv(env) }
  )
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
}

/** The connections listening for changes, as PostgreSQL lists them. */
async function listeners(): Promise<number> {
  const rows = await sqlIn<{ n: string }>(
    url,
    "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'flowkeys-listen' AND datname = current_database()"
  )
  return Number(rows[0]?.n)
}

describe('store:changed on a PostgreSQL store', () => {
  it("pushes another server's write once, and none of its own", async () => {
    const sent: { event: EventName; payload: unknown }[] = []
    const stop = wirePushes(
      { accessLog: new AccessLog(null), store: core.store },
      pushService((event, payload) => sent.push({ event, payload })),
      { debounceMs: DEBOUNCE_MS }
    )
    try {
      await eventually(async () => (await listeners()) === 1)
      await core.variables.create(core.desktopActor().id, {
        name: 'OWN_WRITE',
        value: 'x',
        type: 'Generic',
        default_fields: []
      })
      await sleep(DEBOUNCE_MS * 6)
      expect(sent).toEqual([])

      await setFromCli('FROM_ANOTHER_PROCESS')
      await eventually(() => sent.length === 1)
      await sleep(DEBOUNCE_MS * 6)
      expect(sent).toEqual([{ event: 'store:changed', payload: { what: 'all' } }])
    } finally {
      stop()
    }
    await eventually(async () => (await listeners()) === 0)
  })

  it('listens again after losing its connection, tells what was written meanwhile, and warns once', async () => {
    let changes = 0
    const warnings: string[] = []
    const stop = core.store.watchOthers(() => changes++, {
      debounceMs: DEBOUNCE_MS,
      warn: (message) => warnings.push(message)
    })
    try {
      await eventually(async () => (await listeners()) === 1)
      await sqlIn(
        url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'flowkeys-listen' AND datname = current_database()"
      )
      await eventually(() => warnings.length === 1)
      expect(warnings[0]).toContain('lost the watch on')
      expect(warnings[0]).not.toContain(env.FLOWKEYS_SECRET_KEY as string)
      // Written while nobody listened: told once the watch is back.
      await setFromCli('WHILE_NOT_LISTENING')
      await eventually(() => changes >= 1, 10_000)
      await eventually(async () => (await listeners()) === 1)
      const before = changes
      await setFromCli('AFTER_COMING_BACK')
      await eventually(() => changes === before + 1)
      expect(warnings).toHaveLength(1)
    } finally {
      stop()
    }
    await eventually(async () => (await listeners()) === 0)
  })
})
