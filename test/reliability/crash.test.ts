import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { openCore } from '../../src/main/core/open'
import { storeEnv } from '../helpers/core'
import { tempDir } from '../helpers/tmp'
import { call, json, ServerProcess, storeData, within } from './helpers'

const KILLS = 20
const WRITERS = 4

/** A small seeded generator, so a failing run can be replayed (the seed is in the test's name). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const seed = Number(process.env.FLOWKEYS_CRASH_SEED ?? Date.now() % 1e9)

describe('crash safety', { timeout: 180_000 }, () => {
  it(`a key server killed with SIGKILL ${KILLS} times under write load keeps every acknowledged write (seed ${seed})`, async () => {
    const rng = random(seed)
    const dataDir = join(tempDir('flowkeys-crash-'), 'data')
    const core = await openCore({ dataDir, env: await storeEnv(dataDir) })
    const { api_key: key } = await core.keys.create(core.desktopActor(), { name: 'writer' })
    await core.close()
    const headers = { 'x-api-key': key }

    /** Writes the server acknowledged (2xx), by id. */
    const variables = new Map<string, { name: string; value: string }>()
    const keys = new Map<string, string>()
    let interrupted = 0

    for (let cycle = 0; cycle < KILLS; cycle++) {
      const server = await ServerProcess.fixture(dataDir)
      // Kill after a random number of acknowledgements, then a random delay, so the kill lands anywhere in a write.
      const target = 1 + Math.floor(rng() * 12)
      const delayMs = Math.floor(rng() * 15)
      let acked = 0
      let killed = false

      const writer = async (w: number): Promise<void> => {
        for (let i = 0; !killed && i < 500; i++) {
          const variable = (cycle + w + i) % 3 !== 0
          try {
            if (variable) {
              const name = `CRASH_${cycle}_${w}_${i}`
              const value = randomBytes(12).toString('hex')
              const answer = await call(
                server.url,
                '/api/v1/variables/',
                json('POST', { name, value }, headers)
              )
              expect(answer.status, answer.text).toBe(201)
              variables.set((answer.json() as { id: string }).id, { name, value })
            } else {
              const answer = await call(
                server.url,
                '/api/v1/api_key/',
                json('POST', { name: `crash-${cycle}-${w}-${i}` }, headers)
              )
              expect(answer.status, answer.text).toBe(200)
              const created = answer.json() as { id: string; api_key: string }
              keys.set(created.id, created.api_key)
            }
            acked++
          } catch (err) {
            // A request cut by the kill was never acknowledged: nothing is owed for it.
            if (killed) {
              interrupted++
              return
            }
            throw err
          }
        }
      }
      const writers = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)))
      const enough = (async () => {
        while (acked < target) await sleep(1)
      })()
      // A writer that fails (a 4xx or 5xx, a refused connection) fails the test at once, with its own error.
      const stoppedEarly = writers.then(() => {
        throw new Error(`cycle ${cycle}: the writers stopped before ${target} acknowledged writes`)
      })
      await within(
        Promise.race([enough, stoppedEarly]),
        15_000,
        `cycle ${cycle}: ${target} acknowledged writes`
      )
      await sleep(delayMs)
      killed = true
      await server.kill()
      await within(writers, 15_000, 'writers after the kill')

      // The store reads back (on the file: it parses, no torn or empty file) and holds every write acknowledged
      // so far.
      const data = await storeData(dataDir)
      const storedVariables = new Map(data.variables.map((v) => [v.id, v.name]))
      const storedKeys = new Set(data.api_keys.map((k) => k.id))
      for (const [id, { name }] of variables)
        expect(storedVariables.get(id), `variable ${name}, cycle ${cycle}`).toBe(name)
      for (const id of keys.keys()) expect(storedKeys.has(id), `key ${id}, cycle ${cycle}`).toBe(true)
    }

    // After the last kill: every acknowledged value decrypts to what was sent and every key still opens the API.
    const server = await ServerProcess.fixture(dataDir)
    try {
      const listed = await call(server.url, '/api/v1/variables/', { headers })
      expect(listed.status).toBe(200)
      const names = new Set((listed.json() as { name: string }[]).map((v) => v.name))
      for (const { name } of variables.values()) expect(names.has(name), name).toBe(true)
      for (const apiKey of keys.values()) {
        expect(
          (await call(server.url, '/api/v1/users/whoami', { headers: { 'x-api-key': apiKey } })).status
        ).toBe(200)
      }
    } finally {
      await server.stop()
    }
    const reopened = await openCore({ dataDir, env: await storeEnv(dataDir) })
    try {
      const records = new Map((await reopened.store.exportAll()).variables.map((v) => [v.id, v]))
      for (const [id, { value }] of variables)
        expect(reopened.vault.decrypt(records.get(id)!.value)).toBe(value)
    } finally {
      await reopened.close()
    }
    expect(variables.size + keys.size).toBeGreaterThanOrEqual(KILLS)
    // Most kills interrupt a request in flight; that is the point of the test.
    expect(interrupted).toBeGreaterThan(0)
  })
})
