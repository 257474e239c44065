import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ACCESS_LOG_FILE } from '../../src/main/audit/access-log'
import { cliEnv, flowkeys } from '../cli/helpers'
import { bearer, get, key, postForm, serverFor, userWithKey } from '../fixtures/server/harness'
import { tempDir } from '../helpers/tmp'
import { send, sendJson } from '../server/http'

// Holes 9 and 10 of "Secrets stay with their owner": a key pasted as a credential name (or percent-encoded in a
// path) was written to the access log, and tokens kept working after a logout or a password change.

const root = tempDir('flowkeys-sec-logs-')

describe('nothing key-shaped reaches a log', () => {
  let owner = ''
  const current = serverFor(root, { LANGFLOW_AUTO_LOGIN: 'false' }, async (server) => {
    owner = (await server.core.keys.create(server.admin, { name: 'owner' })).api_key
  })

  it('a key pasted as a credential name, plain or percent-encoded, anonymous or not', async () => {
    const server = current()
    const pasted = (await server.core.keys.create(server.admin, { name: 'pasted' })).api_key
    const body = pasted.slice(3)
    const paths = [
      `/api/v1/flowkeys/credentials/${pasted}`,
      `/api/v1/flowkeys/credentials/sk%2D${body}`,
      `/api/v1/flowkeys/credentials/sk%252D${body}`,
      `/api/v1/flowkeys/credentials/%73%6b%2d${body}`,
      `/api/v1/api_key/sk%2d${body}`
    ]
    for (const path of paths) {
      await get(`${server.url}${path}`)
      await get(`${server.url}${path}`, key(owner))
    }
    // A key named with a key, and a token pasted as a variable name.
    await server.core.keys.create(server.admin, { name: pasted })
    const login = await postForm(`${server.url}/api/v1/login`, { username: 'langflow', password: 'langflow' })
    const token = (login.json() as { access_token: string }).access_token
    await get(`${server.url}/api/v1/flowkeys/credentials/${token}`, key(owner))
    await server.core.accessLog.close()

    const log = readFileSync(join(server.dataDir, ACCESS_LOG_FILE), 'utf8')
    const printed = server.lines.join('\n')
    for (const text of [log, printed]) {
      expect(text).toContain('[redacted]')
      expect(text).not.toContain(body)
      expect(text).not.toContain(owner.slice(3))
      expect(text).not.toContain(token.split('.')[1])
    }
    expect(log).toMatch(/"variable":"\[redacted\]"/)
  })
})

describe('tokens end with a logout or a password change', () => {
  const current = serverFor(root, { LANGFLOW_AUTO_LOGIN: 'false' })

  async function login(username: string, password: string) {
    const res = await postForm(`${current().url}/api/v1/login`, { username, password })
    expect(res.status).toBe(200)
    return res.json() as { access_token: string; refresh_token: string }
  }

  const whoami = (token: string) => get(`${current().url}/api/v1/users/whoami`, bearer(token))
  const refresh = (token: string) =>
    send(`${current().url}/api/v1/refresh`, {
      method: 'POST',
      headers: { cookie: `refresh_token_lf=${token}` }
    })

  it('POST /api/v1/logout ends the access and the refresh token', async () => {
    const server = current()
    const tokens = await login('langflow', 'langflow')
    expect((await whoami(tokens.access_token)).status).toBe(200)
    const out = await send(`${server.url}/api/v1/logout`, {
      method: 'POST',
      headers: bearer(tokens.access_token)
    })
    expect(out.status).toBe(200)
    expect((await whoami(tokens.access_token)).status).toBe(401)
    expect((await refresh(tokens.refresh_token)).status).toBe(401)
    // A new login works again.
    expect((await whoami((await login('langflow', 'langflow')).access_token)).status).toBe(200)
  })

  it('a logout with only the refresh cookie ends the session too', async () => {
    const server = current()
    const tokens = await login('langflow', 'langflow')
    await send(`${server.url}/api/v1/logout`, {
      method: 'POST',
      headers: { cookie: `refresh_token_lf=${tokens.refresh_token}` }
    })
    expect((await whoami(tokens.access_token)).status).toBe(401)
  })

  it('reset-password ends the older tokens', async () => {
    const server = current()
    const user = await userWithKey(server, 'resetter', { password: 'first-pw' })
    const tokens = await login('resetter', 'first-pw')
    const reset = await sendJson(
      `${server.url}/api/v1/users/${user.id}/reset-password`,
      'PATCH',
      { password: 'second-pw', current_password: 'first-pw' },
      bearer(tokens.access_token)
    )
    expect(reset.status).toBe(200)
    expect((await whoami(tokens.access_token)).status).toBe(401)
    expect((await refresh(tokens.refresh_token)).status).toBe(401)
    // Its API key is not a session: it keeps working.
    expect((await get(`${server.url}/api/v1/users/whoami`, key(user.apiKey))).status).toBe(200)
  })

  it('flowkeys users set-password, from another process, ends them at the running server', async () => {
    const server = current()
    await userWithKey(server, 'cli-reset', { password: 'first-pw' })
    const tokens = await login('cli-reset', 'first-pw')
    expect((await whoami(tokens.access_token)).status).toBe(200)
    const result = await flowkeys(
      ['users', 'set-password', 'cli-reset', '--password-stdin', '--data-dir', server.dataDir],
      { env: cliEnv({ LANGFLOW_AUTO_LOGIN: 'false' }), input: 'third-pw\n' }
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect((await whoami(tokens.access_token)).status).toBe(401)
    expect((await refresh(tokens.refresh_token)).status).toBe(401)
    expect((await login('cli-reset', 'third-pw')).access_token).toBeTruthy()
  })
})
