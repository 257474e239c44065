import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore } from '../../src/main/core/open'
import { cliEnv, flowkeys } from '../cli/helpers'
import {
  get,
  key,
  post,
  postForm,
  startTestServer,
  userWithKey,
  type TestServer
} from '../fixtures/server/harness'
import { tempDir } from '../helpers/tmp'

// Holes 2 and 3 of "Secrets stay with their owner": POST /api/v1/flowkeys/resolve filled a field naming any
// environment variable (the vault key, the superuser password, HOME) from process.env for any user with a key, and
// `flowkeys run` handed FlowKeys' own secrets to the command it runs.

const root = tempDir('flowkeys-sec-env-')
const VAULT_KEY = randomBytes(32).toString('base64url')
const SUPERUSER_PASSWORD = 'superuser-PLAINTEXT-pw-8001'
const PROVIDER_KEY = 'sk-openai-from-env-PLAINTEXT-8002'
const HOME_DIR = '/home/owner-PLAINTEXT-8003'

/** A flow whose one field asks the resolver for `name` from the database (Langflow's load_from_db). */
function flowAsking(name: string) {
  return {
    data: {
      nodes: [
        {
          id: 'OpenAIModel-1',
          data: {
            node: { template: { api_key: { value: name, load_from_db: true, password: true } } }
          }
        }
      ]
    }
  }
}

describe('the resolver never hands out the server environment beyond provider variables, nor to another user', () => {
  let server: TestServer
  let owner: string
  let other: { apiKey: string }
  const secrets = [VAULT_KEY, SUPERUSER_PASSWORD, PROVIDER_KEY, HOME_DIR]

  beforeAll(async () => {
    server = await startTestServer(root, {
      FLOWKEYS_SECRET_KEY: VAULT_KEY,
      LANGFLOW_SECRET_KEY: VAULT_KEY,
      LANGFLOW_AUTO_LOGIN: 'false',
      LANGFLOW_SUPERUSER_PASSWORD: SUPERUSER_PASSWORD,
      OPENAI_API_KEY: PROVIDER_KEY,
      HOME: HOME_DIR,
      // An operator's list naming secrets: the secret settings still win over it. HOME is not listed: not a
      // provider variable, so never served (an operator who lists a name chooses to hand it to the owner).
      LANGFLOW_VARIABLES_TO_GET_FROM_ENVIRONMENT: 'LANGFLOW_SECRET_KEY,LANGFLOW_SUPERUSER_PASSWORD',
      // Only the fallback, not the import, would serve them.
      LANGFLOW_STORE_ENVIRONMENT_VARIABLES: 'false'
    })
    owner = (await server.core.keys.create(server.admin, { name: 'owner' })).api_key
    other = await userWithKey(server, 'mallory')
  })
  afterAll(() => server.close())

  const resolve = (name: string, apiKey: string) =>
    post(`${server.url}/api/v1/flowkeys/resolve`, { flow: flowAsking(name) }, key(apiKey))

  it.each(['LANGFLOW_SECRET_KEY', 'FLOWKEYS_SECRET_KEY', 'LANGFLOW_SUPERUSER_PASSWORD', 'HOME'])(
    'a field naming %s is not found, even for the machine owner',
    async (name) => {
      for (const apiKey of [owner, other.apiKey]) {
        const res = await resolve(name, apiKey)
        expect(res.status).toBe(400)
        expect(res.json()).toEqual({ detail: `${name} variable not found.` })
        for (const secret of secrets) expect(res.text).not.toContain(secret)
      }
    }
  )

  it("a provider variable of the environment reaches the machine owner's account only", async () => {
    const mine = await resolve('OPENAI_API_KEY', owner)
    expect(mine.status).toBe(200)
    expect(mine.text).toContain(PROVIDER_KEY)
    const theirs = await resolve('OPENAI_API_KEY', other.apiKey)
    expect(theirs.status).toBe(400)
    expect(theirs.text).not.toContain(PROVIDER_KEY)
  })
})

describe('the environment import serves the machine owner only', () => {
  it("another user's login over HTTP copies none of the environment into its variables", async () => {
    const server = await startTestServer(root, { LANGFLOW_AUTO_LOGIN: 'false', OPENAI_API_KEY: PROVIDER_KEY })
    try {
      const mallory = await userWithKey(server, 'mallory')
      const login = await postForm(`${server.url}/api/v1/login`, {
        username: 'mallory',
        password: 'mallory-password'
      })
      expect(login.status).toBe(200)
      const read = await get(`${server.url}/api/v1/flowkeys/credentials/OPENAI_API_KEY`, key(mallory.apiKey))
      expect(read.status).toBe(404)
      expect(read.text).not.toContain(PROVIDER_KEY)
      expect(await server.core.variables.list(mallory.id)).toEqual([])
      // The owner has it, imported at start.
      expect((await server.core.variables.get(server.admin.id, 'OPENAI_API_KEY')).value).toBe(PROVIDER_KEY)
    } finally {
      await server.close()
    }
  })
})

describe('the environment import never stores a secret setting', () => {
  it('LANGFLOW_VARIABLES_TO_GET_FROM_ENVIRONMENT naming the vault key imports nothing of it', async () => {
    const core = await openCore({
      dataDir: join(root, 'import'),
      env: {
        FLOWKEYS_SECRET_KEY: VAULT_KEY,
        LANGFLOW_SUPERUSER_PASSWORD: SUPERUSER_PASSWORD,
        LANGFLOW_VARIABLES_TO_GET_FROM_ENVIRONMENT: '["FLOWKEYS_SECRET_KEY", "LANGFLOW_SUPERUSER_PASSWORD"]'
      }
    })
    try {
      await core.importEnvironment()
      const names = (await core.variables.list(core.superuser().id)).map((v) => v.name)
      expect(names).not.toContain('FLOWKEYS_SECRET_KEY')
      expect(names).not.toContain('LANGFLOW_SUPERUSER_PASSWORD')
    } finally {
      await core.close()
    }
  })
})

describe('flowkeys run hands the child no FlowKeys secret', () => {
  const dataDir = join(root, 'run')
  const printEnv = ['node', '-e', 'process.stdout.write(JSON.stringify(process.env))']

  it('strips the vault key and the superuser password, and injects a stored LANGFLOW_SECRET_KEY instead', async () => {
    const env = cliEnv({
      FLOWKEYS_SECRET_KEY: VAULT_KEY,
      LANGFLOW_SECRET_KEY: VAULT_KEY,
      LANGFLOW_SUPERUSER_PASSWORD: SUPERUSER_PASSWORD,
      UNRELATED_SETTING: 'kept'
    })
    const langflowsOwn = randomBytes(32).toString('base64url')
    const set = await flowkeys(
      ['vars', 'set', 'LANGFLOW_SECRET_KEY', '--value-stdin', '--data-dir', dataDir],
      {
        env,
        input: `${langflowsOwn}\n`
      }
    )
    expect(set.code).toBe(0)
    const result = await flowkeys(['run', '--no-masking', '--data-dir', dataDir, '--', ...printEnv], { env })
    expect(result.code).toBe(0)
    const childEnv = JSON.parse(result.stdout) as Record<string, string>
    expect(childEnv.FLOWKEYS_SECRET_KEY).toBeUndefined()
    expect(childEnv.LANGFLOW_SUPERUSER_PASSWORD).toBeUndefined()
    // The child's LANGFLOW_SECRET_KEY is the one stored for it, not FlowKeys' vault key.
    expect(childEnv.LANGFLOW_SECRET_KEY).toBe(langflowsOwn)
    expect(childEnv.UNRELATED_SETTING).toBe('kept')
    expect(result.stdout).not.toContain(VAULT_KEY)
    expect(result.stdout).not.toContain(SUPERUSER_PASSWORD)
  })
})
