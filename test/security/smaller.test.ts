import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileLock } from '../../src/main/store/lock'
import { get, key, postForm, serverFor, startTestServer, userWithKey } from '../fixtures/server/harness'
import { tempDir } from '../helpers/tmp'
import { unknownKey } from './helpers'

// Point 11 of "Secrets stay with their owner": a live owner's lock broken after 30 s, an inactive user's key and
// login answers that confirm the account exists, and a corrupt store's absolute path shown to anonymous callers.

const root = tempDir('flowkeys-sec-small-')

describe('the store lock', () => {
  it('a lock held by a live process on this machine is never broken, however old', async () => {
    const dir = join(root, 'lock')
    mkdirSync(dir, { recursive: true })
    const path = join(dir, 'flowkeys.json.lock')
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
    try {
      writeFileSync(path, JSON.stringify({ pid: holder.pid, host: hostname(), token: 'theirs' }))
      const old = new Date(Date.now() - 10 * 60_000)
      utimesSync(path, old, old)
      const lock = new FileLock(path, { timeoutMs: 300, staleMs: 1_000 })
      await expect(lock.with(() => 'mine')).rejects.toThrow(/locked by another FlowKeys process \(pid \d+\)/)
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ token: 'theirs' })
    } finally {
      holder.kill('SIGKILL')
    }
    // Once the owner is gone its lock is taken over at once.
    await new Promise((resolve) => holder.once('exit', resolve))
    const lock = new FileLock(path, { timeoutMs: 300, staleMs: 1_000 })
    expect(await lock.with(() => 'mine')).toBe('mine')
  })
})

describe('what an anonymous caller learns about accounts', () => {
  const current = serverFor(root, { LANGFLOW_AUTO_LOGIN: 'false' })

  it("an inactive user's key gets exactly the answer of an unknown key", async () => {
    const server = current()
    const sleeper = await userWithKey(server, 'sleeper', { is_active: false })
    const whoami = `${server.url}/api/v1/users/whoami`
    const inactive = await get(whoami, key(sleeper.apiKey))
    const unknown = await get(whoami, key(unknownKey(1)))
    expect(inactive.status).toBe(unknown.status)
    expect(inactive.text).toBe(unknown.text)
  })

  it('a wrong password gets one answer whether the account is unknown, inactive or active', async () => {
    const server = current()
    await userWithKey(server, 'dormant', { is_active: false, password: 'dormant-pw' })
    const answers = await Promise.all(
      ['nobody', 'dormant', 'langflow'].map((username) =>
        postForm(`${server.url}/api/v1/login`, { username, password: 'wrong' })
      )
    )
    for (const res of answers) {
      expect(res.status).toBe(401)
      expect(res.json()).toEqual({ detail: 'Incorrect username or password' })
    }
  })
})

describe('a store that cannot be read', () => {
  it('answers 500 without the absolute path; the log has it', async () => {
    const server = await startTestServer(root, { LANGFLOW_AUTO_LOGIN: 'false' })
    try {
      const store = join(server.dataDir, 'flowkeys.json')
      writeFileSync(store, '{"broken":')
      const res = await get(`${server.url}/api/v1/users/whoami`, key(unknownKey(2)))
      expect(res.status).toBe(500)
      expect(res.text).not.toContain(server.dataDir)
      expect(res.json()).toEqual({ detail: "FlowKeys' data cannot be read; the key server's log says why" })
      expect(server.lines.join('\n')).toContain(store)
    } finally {
      await server.close().catch(() => undefined)
    }
  })
})
