// The key server's errors in the app, under a recording fake of Electron (not the real binary; see
// ./driver.ts): what `flowkeys serve` prints goes to server.log in the data folder and to the Server page.
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { appHome, launch, serverUrl, untilReady, value } from './scenario'

describe("the built main process logging the key server's errors (Node with a fake electron module)", () => {
  it('writes a 500 to server.log and shows it on the Server page', async () => {
    const home = await appHome()
    const app = await launch(home)
    await untilReady(app)

    // A store that cannot be read: the health check answers 500 and logs why.
    writeFileSync(home.storeFile, '{"not": "a FlowKeys store"')
    const answer = await fetch(`${await serverUrl(app)}/health_check`)
    expect(answer.status).toBe(500)

    const logFile = join(home.dataDir, 'server.log')
    const log = readFileSync(logFile, 'utf8')
    expect(log).toMatch(/ERROR GET \/health_check: health check: /)
    expect(statSync(logFile).mode & 0o777).toBe(0o600)
    const problems = await value<{ level: string; message: string }[]>(app, 'server:errors')
    expect(problems).toEqual([
      expect.objectContaining({ level: 'error', message: expect.stringContaining('GET /health_check') })
    ])
  })
})
