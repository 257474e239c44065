import { statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore } from '../../src/main/core/open'
import { LIMITS } from '../../src/main/store/limits'
import { cliEnv, expectOneLineError, flowkeys } from '../cli/helpers'
import { key, post, startTestServer, type TestServer } from '../fixtures/server/harness'
import { tempDir } from '../helpers/tmp'
import { send, sendJson } from '../server/http'

// Holes 4 and 5 of "Secrets stay with their owner": an anonymous sign-up could take over the superuser account at the
// next start, and sign-ups were unbounded in size and number. Run with LANGFLOW_AUTO_LOGIN=false, where sign-up
// stays open (with auto-login on it is refused altogether: auto-login.test.ts).

const root = tempDir('flowkeys-sec-accounts-')
const OPEN_SIGNUP = {
  LANGFLOW_AUTO_LOGIN: 'false',
  LANGFLOW_SUPERUSER: 'admin',
  LANGFLOW_SUPERUSER_PASSWORD: 'a-pw'
}

describe('a sign-up cannot become the superuser', () => {
  it('a start with LANGFLOW_SUPERUSER naming a signed-up account refuses, in one line, and promotes nothing', async () => {
    const server = await startTestServer(root, OPEN_SIGNUP)
    const dataDir = server.dataDir
    const signup = await post(`${server.url}/api/v1/users/`, { username: 'ops', password: 'attacker-pw' })
    expect(signup.status).toBe(201)
    await server.close()

    // The operator later names `ops` as the superuser: the real CLI, and the core the app and server open.
    const env = cliEnv({
      ...OPEN_SIGNUP,
      LANGFLOW_SUPERUSER: 'ops',
      LANGFLOW_SUPERUSER_PASSWORD: 'operator-pw'
    })
    const line = expectOneLineError(await flowkeys(['users', 'list', '--data-dir', dataDir], { env }), 1)
    expect(line).toContain('LANGFLOW_SUPERUSER=ops names an existing regular account')
    await expect(openCore({ dataDir, env: { ...OPEN_SIGNUP, LANGFLOW_SUPERUSER: 'ops' } })).rejects.toThrow(
      /will not promote/
    )

    const check = await openCore({ dataDir, env: OPEN_SIGNUP })
    try {
      expect(await check.users.findByUsername('ops')).toMatchObject({ is_superuser: false, is_active: false })
    } finally {
      await check.close()
    }
  })

  it('an existing superuser named by LANGFLOW_SUPERUSER is still accepted (and reactivated)', async () => {
    const dataDir = join(root, 'second-superuser')
    const first = await openCore({ dataDir, env: OPEN_SIGNUP })
    const made = await first.users.create(first.superuser(), {
      username: 'ops',
      password: 'p',
      is_superuser: true
    })
    await first.users.update(first.superuser(), made.id, { is_active: false })
    await first.close()
    const again = await openCore({ dataDir, env: { ...OPEN_SIGNUP, LANGFLOW_SUPERUSER: 'ops' } })
    try {
      expect(await again.users.findByUsername('ops')).toMatchObject({ is_superuser: true, is_active: true })
    } finally {
      await again.close()
    }
  })
})

describe('sign-ups are bounded', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(root, OPEN_SIGNUP)
  })
  afterAll(() => server.close())

  it('a 900 KB username is refused with 400 and the store does not grow', async () => {
    const store = join(server.dataDir, 'flowkeys.json')
    const before = statSync(store).size
    const res = await post(`${server.url}/api/v1/users/`, { username: 'u'.repeat(900_000), password: 'pw' })
    expect(res.status).toBe(400)
    expect(res.json()).toEqual({ detail: `Username is too long (at most ${LIMITS.username} characters)` })
    expect(statSync(store).size).toBe(before)
    const atLimit = await post(`${server.url}/api/v1/users/`, {
      username: 'u'.repeat(LIMITS.username),
      password: 'pw'
    })
    expect(atLimit.status).toBe(201)
  })

  it('at most 10 anonymous sign-ups a minute from the whole loopback range, then 429', async () => {
    server.handle.app.signupLimiter.reset()
    const statuses: number[] = []
    for (let i = 0; i < 14; i++) {
      // Spread over 127.0.0.0/8, as an attacker would to look like many clients.
      const res = await send(`${server.url}/api/v1/users/`, {
        localAddress: `127.0.${i}.${i + 2}`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `flood-${i}`, password: 'pw' })
      })
      statuses.push(res.status)
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201))
    expect(statuses.slice(10)).toEqual(Array(4).fill(429))
    expect(await server.core.users.findByUsername('flood-12')).toBeUndefined()
    // A superuser adding users is not a sign-up: not limited.
    const admin = (await server.core.keys.create(server.admin, { name: 'admin' })).api_key
    const added = await post(`${server.url}/api/v1/users/`, { username: 'added', password: 'pw' }, key(admin))
    expect(added.status).toBe(201)
  })

  it('every stored string has a bound: key names, variable names and values, passwords', async () => {
    const admin = (await server.core.keys.create(server.admin, { name: 'bounds' })).api_key
    const cases = [
      [
        post(`${server.url}/api/v1/api_key/`, { name: 'k'.repeat(LIMITS.keyName + 1) }, key(admin)),
        'Key name'
      ],
      [
        post(
          `${server.url}/api/v1/variables/`,
          { name: 'N'.repeat(LIMITS.variableName + 1), value: 'v', type: 'Generic' },
          key(admin)
        ),
        'Variable name'
      ],
      [
        post(
          `${server.url}/api/v1/variables/`,
          { name: 'BIG', value: 'v'.repeat(LIMITS.variableValue + 1), type: 'Credential' },
          key(admin)
        ),
        'Variable value'
      ],
      [
        sendJson(
          `${server.url}/api/v1/users/${server.admin.id}`,
          'PATCH',
          { password: 'p'.repeat(LIMITS.password + 1) },
          key(admin)
        ),
        'Password'
      ]
    ] as const
    for (const [pending, what] of cases) {
      const res = await pending
      expect(res.status, what).toBe(400)
      expect((res.json() as { detail: string }).detail).toMatch(new RegExp(`^${what} is too long`))
    }
    expect((await server.core.variables.list(server.admin.id)).map((v) => v.name)).not.toContain('BIG')
  })
})

describe('the other stored strings are bounded in the core, whichever face writes them', () => {
  it('profile image, default_fields and the store API key', async () => {
    const core = await openCore({ dataDir: join(root, 'core-bounds'), env: OPEN_SIGNUP })
    try {
      const admin = core.superuser()
      await expect(
        core.users.update(admin, admin.id, { profile_image: 'p'.repeat(LIMITS.profileImage + 1) })
      ).rejects.toThrow(`Profile image is too long (at most ${LIMITS.profileImage} characters)`)
      await expect(
        core.variables.create(admin.id, {
          name: 'MANY',
          value: 'v',
          default_fields: Array(LIMITS.defaultFields + 1).fill('f')
        })
      ).rejects.toThrow(`default_fields has too many entries (at most ${LIMITS.defaultFields})`)
      await expect(
        core.variables.create(admin.id, {
          name: 'LONG',
          value: 'v',
          default_fields: ['f'.repeat(LIMITS.defaultField + 1)]
        })
      ).rejects.toThrow('A default_fields entry is too long')
      await expect(core.users.setStoreApiKey(admin.id, 'k'.repeat(LIMITS.storeApiKey + 1))).rejects.toThrow(
        'The store API key is too long'
      )
      expect(await core.variables.list(admin.id)).toEqual([])
    } finally {
      await core.close()
    }
  })
})
