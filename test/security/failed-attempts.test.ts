import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { get, key, startTestServer, type TestServer } from '../fixtures/server/harness'
import { tempDir } from '../helpers/tmp'
import { send } from '../server/http'
import { unknownKey } from './helpers'

// Hole 7 of "Secrets stay with their owner": 20 bad keys locked the owner's valid key out, a web page could spend
// the budget with a cross-site GET, and spreading guesses over 127.0.1.x dodged the limit.

const root = tempDir('flowkeys-sec-limit-')

describe('the failed-attempt limit', () => {
  let server: TestServer
  let owner: string
  let whoami: string

  beforeAll(async () => {
    server = await startTestServer(root, { LANGFLOW_AUTO_LOGIN: 'false' })
    owner = (await server.core.keys.create(server.admin, { name: 'owner' })).api_key
    whoami = `${server.url}/api/v1/users/whoami`
  })
  beforeEach(() => server.handle.app.failureLimiter.reset())
  afterAll(() => server.close())

  it("another process's bad keys never lock the owner's valid key out", async () => {
    for (let i = 0; i < 25; i++) await get(whoami, key(unknownKey(i)))
    expect((await get(whoami, key(unknownKey(99)))).status).toBe(429)
    const mine = await get(whoami, key(owner))
    expect(mine.status).toBe(200)
    expect((await get(`${whoami}?x-api-key=${owner}`)).status).toBe(200)
  })

  it('the whole loopback range is one client: spreading guesses over 127.0.x.y gains nothing', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 25; i++) {
      const res = await send(whoami, {
        localAddress: `127.0.${1 + (i % 5)}.${10 + i}`,
        headers: key(unknownKey(i))
      })
      statuses.push(res.status)
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(403))
    expect(statuses.slice(20)).toEqual(Array(5).fill(429))
  })

  it.each(['GET', 'POST', 'DELETE'])(
    'a %s a web page makes (Sec-Fetch-Site: cross-site or same-site) is refused before any key is tried',
    async (method) => {
      for (const site of ['cross-site', 'same-site']) {
        for (let i = 0; i < 25; i++) {
          const res = await send(`${whoami}?x-api-key=${unknownKey(i)}`, {
            method,
            headers: { 'sec-fetch-site': site, 'sec-fetch-mode': 'no-cors' }
          })
          expect(res.status).toBe(403)
          expect(res.json()).toEqual({ detail: 'Origin not allowed' })
        }
        // Even the owner's key is refused from a page: the page must not use it either.
        const fromPage = await send(`${whoami}?x-api-key=${owner}`, { headers: { 'sec-fetch-site': site } })
        expect(fromPage.status).toBe(403)
      }
      // None of it counted: a wrong key from the owner's own tools still gets 403, not 429.
      expect((await get(whoami, key(unknownKey(1)))).status).toBe(403)
      expect((await get(whoami, key(owner))).status).toBe(200)
    }
  )

  it('the owner typing the URL (Sec-Fetch-Site: none) and the same origin are served', async () => {
    for (const site of ['none', 'same-origin']) {
      const res = await send(`${whoami}?x-api-key=${owner}`, { headers: { 'sec-fetch-site': site } })
      expect(res.status, site).toBe(200)
    }
  })

  it('a password login stays limited even with the right password, while the owner key works', async () => {
    const login = (password: string) =>
      fetch(`${server.url}/api/v1/login`, {
        method: 'POST',
        body: new URLSearchParams({ username: 'langflow', password })
      })
    for (let i = 0; i < 20; i++) expect((await login(`wrong-${i}`)).status).toBe(401)
    expect((await login('langflow')).status).toBe(429)
    expect((await get(whoami, key(owner))).status).toBe(200)
  })
})
