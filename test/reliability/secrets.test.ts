import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { allFiles, cliEnv, flowkeys, KEY_PATTERN, type CliResult } from '../cli/helpers'
import { storeEnv, TEST_STORE } from '../helpers/core'
import { tempDir } from '../helpers/tmp'
import { call, json, ServerProcess, storeData } from './helpers'

// Loaded for the PostgreSQL runs only (as test/helpers/core.ts does), so that the file's runs start no cluster.
const postgres = TEST_STORE === 'postgres' ? await import('../helpers/postgres') : null

/** A secret nobody could guess or find by accident: `label` + 24 random hex characters. */
function secret(label: string): string {
  return `${label}-${randomBytes(12).toString('hex')}`
}

interface Output {
  label: string
  text: string
  /** The secrets this command exists to show (a key's creation banner, `vars get`, `export-env`). */
  shows: string[]
}

/** Every fragment of `secret` that must not appear: the whole, and for an API key the part never shown masked. */
function fragments(value: string): string[] {
  return value.startsWith('sk-') ? [value, value.slice(8)] : [value]
}

function leaks(text: string, secrets: string[], shown: string[] = []): string[] {
  return secrets.filter((s) => !shown.includes(s) && fragments(s).some((f) => text.includes(f)))
}

/** Every row of every table of the PostgreSQL store's database (outside the system schemas), as text. */
async function databaseDump(url: string): Promise<{ tables: string[]; text: string }> {
  const tables = await postgres!.sqlIn<{ schemaname: string; tablename: string }>(
    url,
    "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
  )
  let text = ''
  for (const { schemaname, tablename } of tables) {
    const rows = await postgres!.sqlIn<{ row: string }>(
      url,
      `SELECT t::text AS row FROM "${schemaname}"."${tablename}" t`
    )
    text += `${schemaname}.${tablename}\n${rows.map((r) => r.row).join('\n')}\n`
  }
  return { tables: tables.map((t) => t.tablename), text }
}

describe('no secret at rest or in logs', { timeout: 120_000 }, () => {
  it('after keys, credentials, an import, a run and provoked errors, no file, log or output holds a plaintext', async () => {
    const root = tempDir('flowkeys-secrets-')
    const dataDir = join(root, 'data')
    const work = join(root, 'work')
    mkdirSync(work)
    const superPassword = secret('super-password')
    const envSecret = secret('env-openai')
    const env = { LANGFLOW_SUPERUSER_PASSWORD: superPassword, OPENAI_API_KEY: envSecret }
    // On PostgreSQL, the vault key comes from the environment (FLOWKEYS_SECRET_KEY): a secret like the others.
    const storeVars = await storeEnv(dataDir)
    const secrets: string[] = [superPassword, envSecret]
    if (storeVars.FLOWKEYS_SECRET_KEY) secrets.push(storeVars.FLOWKEYS_SECRET_KEY)
    const outputs: Output[] = []

    const cli = async (args: string[], options: { input?: string; shows?: string[]; code?: number } = {}) => {
      const result: CliResult = await flowkeys(['--data-dir', dataDir, ...args], {
        input: options.input,
        env: cliEnv({ ...storeVars, ...env })
      })
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(options.code ?? 0)
      outputs.push({ label: args.join(' '), text: result.stdout + result.stderr, shows: options.shows ?? [] })
      return result.stdout
    }

    // Keys from the CLI: the banner and --json show the new key, once.
    const banner = await cli(['api-key', '--name', 'banner-key'])
    const bannerKey = banner.match(KEY_PATTERN)![0]
    outputs.at(-1)!.shows.push(bannerKey)
    const cliKey = (JSON.parse(await cli(['api-key', '--name', 'json-key', '--json'])) as { api_key: string })
      .api_key
    outputs.at(-1)!.shows.push(cliKey)
    secrets.push(bannerKey, cliKey)

    // A user, credentials and a Generic variable from the CLI, a .env import (and a refused re-import).
    const alicePassword = secret('alice-password')
    await cli(['users', 'add', 'alice', '--password-stdin'], { input: `${alicePassword}\n` })
    const cliCredential = secret('cli-credential')
    const cliGeneric = secret('cli-generic')
    await cli(['vars', 'set', 'CLI_SECRET', '--value-stdin'], { input: cliCredential })
    await cli(['vars', 'set', 'CLI_GENERIC', '--type', 'Generic', '--value-stdin'], { input: cliGeneric })
    const imported = [secret('imported-a'), secret('imported-b'), secret('imported-multi')]
    const envFile = join(work, 'app.env')
    writeFileSync(
      envFile,
      `ANTHROPIC_API_KEY=${imported[0]}\nexport DB_PASSWORD="${imported[1]}"\nCERT="line1\n${imported[2]}"\n`
    )
    await cli(['import-env', envFile])
    const changed = secret('imported-changed')
    writeFileSync(join(work, 'changed.env'), `DB_PASSWORD=${changed}\n`)
    await cli(['import-env', join(work, 'changed.env')], { code: 1 })
    writeFileSync(join(work, 'binary.env'), Buffer.from([0x41, 0x3d, 0x00, 0xff]))
    await cli(['import-env', join(work, 'binary.env')], { code: 1 })
    secrets.push(alicePassword, cliCredential, cliGeneric, ...imported, changed)

    // The server: logins, keys, variables, the component-store key, and errors of every kind.
    const server = await ServerProcess.serve(dataDir, env)
    try {
      const form = (username: string, password: string) => ({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password }).toString()
      })
      const login = await call(server.url, '/api/v1/login', form('langflow', superPassword))
      expect(login.status, login.text).toBe(200)
      const tokens = login.json() as { access_token: string; refresh_token: string }
      secrets.push(tokens.access_token, tokens.refresh_token)
      const bearer = { authorization: `Bearer ${tokens.access_token}` }
      const keyed = { 'x-api-key': cliKey }

      const httpKey = await call(server.url, '/api/v1/api_key/', json('POST', { name: 'http-key' }, bearer))
      expect(httpKey.status).toBe(200)
      secrets.push((httpKey.json() as { api_key: string }).api_key)
      const httpCredential = secret('http-credential')
      const httpGeneric = secret('http-generic')
      for (const [name, value, type] of [
        ['HTTP_SECRET', httpCredential, 'Credential'],
        ['HTTP_GENERIC', httpGeneric, 'Generic']
      ]) {
        const created = await call(
          server.url,
          '/api/v1/variables/',
          json('POST', { name, value, type }, keyed)
        )
        expect(created.status, created.text).toBe(201)
      }
      const storeKey = secret('store-api-key')
      expect(
        (await call(server.url, '/api/v1/api_key/store', json('POST', { api_key: storeKey }, bearer))).status
      ).toBe(200)
      const served = await call(server.url, '/api/v1/flowkeys/credentials/HTTP_SECRET', { headers: keyed })
      expect(served.status).toBe(200)
      secrets.push(httpCredential, httpGeneric, storeKey)

      const forged = `sk-${randomBytes(32).toString('base64url')}`
      const wrongPassword = secret('wrong-password')
      const duplicate = secret('duplicate-value')
      const broken = secret('broken-json')
      const alicePassword2 = secret('alice-new-password')
      secrets.push(forged, wrongPassword, duplicate, broken, alicePassword2)
      const alice = (
        (await call(server.url, '/api/v1/users/', { headers: bearer })).json() as {
          users: { id: string; username: string }[]
        }
      ).users.find((u) => u.username === 'alice')!
      const provoked: [string, Promise<{ status: number }>][] = [
        ['forged key in the query', call(server.url, `/api/v1/variables/?x-api-key=${forged}`)],
        [
          'forged key in the header',
          call(server.url, '/api/v1/variables/', { headers: { 'x-api-key': forged } })
        ],
        [
          'key pasted into a path',
          call(server.url, `/api/v1/api_key/${bannerKey}`, { method: 'DELETE', headers: bearer })
        ],
        ['wrong password', call(server.url, '/api/v1/login', form('langflow', wrongPassword))],
        [
          'duplicate name',
          call(
            server.url,
            '/api/v1/variables/',
            json('POST', { name: 'HTTP_SECRET', value: duplicate }, keyed)
          )
        ],
        [
          'broken JSON',
          call(server.url, '/api/v1/variables/', {
            method: 'POST',
            headers: { ...keyed, 'content-type': 'application/json' },
            body: `{"name":"X","value":"${broken}"`
          })
        ],
        [
          'token as a key',
          call(server.url, '/api/v1/users/whoami', { headers: { 'x-api-key': tokens.access_token } })
        ],
        [
          'refresh token as a bearer',
          call(server.url, '/api/v1/users/whoami', {
            headers: { authorization: `Bearer ${tokens.refresh_token}` }
          })
        ]
      ]
      for (const [what, answer] of provoked) expect((await answer).status, what).toBeGreaterThanOrEqual(400)
      // A valid key in the query works, and the log keeps the path only.
      expect((await call(server.url, `/api/v1/users/whoami?x-api-key=${cliKey}`)).status).toBe(200)
      const changedPassword = await call(
        server.url,
        `/api/v1/users/${alice.id}`,
        json('PATCH', { password: alicePassword2 }, bearer)
      )
      expect(changedPassword.status, changedPassword.text).toBe(200)
      expect((await call(server.url, '/api/v1/login', form('alice', alicePassword2))).status).toBe(200)

      // `flowkeys run`: the child gets the value; FlowKeys masks it in the child's output and never prints it.
      const digest = createHash('sha256').update(cliCredential).digest('hex')
      const ran = await cli([
        'run',
        '--',
        process.execPath,
        '-e',
        "process.stdout.write(require('crypto').createHash('sha256').update(process.env.CLI_SECRET).digest('hex') + ' ' + process.env.CLI_SECRET + ' ' + process.env.HTTP_SECRET + '\\n')"
      ])
      expect(ran).toContain(digest)

      // Listings, a revocation, errors from the CLI, then the commands that exist to show values.
      await cli(['keys', 'list'])
      await cli(['keys', 'list', '--json'])
      await cli(['vars', 'list'], { shows: [cliGeneric, httpGeneric] })
      await cli(['vars', 'list', '--json'], { shows: [cliGeneric, httpGeneric] })
      await cli(['users', 'list', '--json'])
      await cli(['keys', 'revoke', 'json-key', '--yes'])
      await cli(['keys', 'revoke', 'no-such-key'], { code: 1 })
      await cli(['vars', 'set', 'EMPTY', '--value-stdin'], { input: '', code: 2 })
      await cli(['vars', 'set', 'X', '--value', secret('argv-value')], { code: 2 })
      await cli(['api-key', '--expires-in', 'soon'], { code: 2 })
      expect(await cli(['vars', 'get', 'CLI_SECRET'], { shows: [cliCredential] })).toContain(cliCredential)
      const exported = await cli(['export-env'], { shows: secrets })
      for (const value of [cliCredential, httpCredential, ...imported.slice(0, 2), envSecret])
        expect(exported).toContain(value)
      expect((await call(server.url, '/api/v1/users/whoami', { headers: keyed })).status).toBe(403)
    } finally {
      expect(await server.stop()).toBe(0)
    }

    // The scenario did what it says: all of it reached the store.
    const data = await storeData(dataDir)
    expect(data.api_keys.map((k) => k.name).sort()).toEqual(['banner-key', 'http-key'])
    // (OPENAI_API_KEY twice: the environment is imported for the superuser at start and for alice at her login.)
    expect([...new Set(data.variables.map((v) => v.name))].sort()).toEqual(
      [
        'ANTHROPIC_API_KEY',
        'CERT',
        'CLI_GENERIC',
        'CLI_SECRET',
        'DB_PASSWORD',
        'HTTP_GENERIC',
        'HTTP_SECRET',
        'OPENAI_API_KEY'
      ].sort()
    )

    const files = allFiles(dataDir)
    expect(files.map((f) => f.path).some((p) => p.endsWith('access.log'))).toBe(true)
    for (const file of files) expect(leaks(file.text, secrets), file.path).toEqual([])
    expect(server.output).toMatch(/GET \/api\/v1\/variables\/ 403/)
    expect(leaks(server.output, secrets), 'the server log').toEqual([])
    for (const output of outputs) expect(leaks(output.text, secrets, output.shows), output.label).toEqual([])

    // On PostgreSQL the records are in the database, not in the data directory: no row of it holds a secret.
    if (TEST_STORE === 'postgres') {
      expect(storeVars.FLOWKEYS_DATABASE_URL).toMatch(/^postgres/)
      const dump = await databaseDump(storeVars.FLOWKEYS_DATABASE_URL!)
      expect(dump.tables).toEqual(expect.arrayContaining(['users', 'api_keys', 'variables', 'meta']))
      // The dump is this scenario's database (the names are not secret).
      for (const name of ['alice', 'banner-key', 'CLI_SECRET', 'HTTP_SECRET', 'CERT'])
        expect(dump.text).toContain(name)
      expect(leaks(dump.text, secrets), 'the database').toEqual([])
    }
  })
})
