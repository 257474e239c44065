import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { builtCli } from '../helpers/bundle'
import { tempDir } from '../helpers/tmp'
import { cliEnv, expectOneLineError, flowkeys } from '../cli/helpers'
import { serve } from '../server/serve-process'
import { osKeychain } from '../../src/main/vault/keychain'
import { keychainAccount } from '../../src/main/vault/vault'

// The end-to-end paths of issue "Never lose a vault": the real CLI, real keyrings, a real key server.

const PASSPHRASE = 'orbit-canyon-lantern-47'
const VALUES: Record<string, string> = {
  OPENAI_API_KEY: 'sk-proj-backup-canary-7f3a9c',
  ANTHROPIC_API_KEY: 'sk-ant-backup-canary-11bd02',
  ASTRA_DB_API_ENDPOINT: 'https://db-canary-5521.apps.astra.datastax.com'
}

async function cli(dataDir: string, args: string[], input?: string) {
  return flowkeys([...args, '--data-dir', dataDir], { input })
}

async function must(dataDir: string, args: string[], input?: string): Promise<string> {
  const result = await cli(dataDir, args, input)
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0)
  return result.stdout
}

async function setValues(dataDir: string, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    const type = name.endsWith('_KEY') ? 'Credential' : 'Generic'
    await must(dataDir, ['vars', 'set', name, '--type', type, '--value-stdin'], value)
  }
}

async function newApiKey(dataDir: string): Promise<string> {
  return (JSON.parse(await must(dataDir, ['api-key', '--json'])) as { api_key: string }).api_key
}

/** Runs `command` in a D-Bus session and gnome-keyring of its own (scripts/with-keyring.sh): another machine. */
function onAnotherMachine(
  command: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = cliEnv()
  delete env.KR_IN
  delete env.DBUS_SESSION_BUS_ADDRESS
  delete env.GNOME_KEYRING_CONTROL
  const child = spawn('bash', [resolve('scripts/with-keyring.sh'), ...command], { env })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  child.stdin.end()
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })))
}

describe('backup and restore on another machine', () => {
  const root = tempDir('flowkeys-machines-')
  const machineA = join(root, 'a')
  const backup = join(root, 'flowkeys.fkbackup')
  let apiKey = ''

  beforeAll(async () => {
    await setValues(machineA, VALUES)
    apiKey = await newApiKey(machineA)
    await must(machineA, ['backup', '--output', backup, '--passphrase-stdin'], `${PASSPHRASE}\n`)
  })

  it('writes the file for its owner only, and it holds no value, no API key and no vault key in clear', () => {
    expect(statSync(backup).mode & 0o777).toBe(0o600)
    const bytes = readFileSync(backup)
    const text = bytes.toString('latin1')
    for (const secret of [...Object.values(VALUES), apiKey, apiKey.slice(3)]) {
      expect(text).not.toContain(secret)
      expect(text).not.toContain(Buffer.from(secret).toString('base64').slice(0, 16))
    }
    const account = JSON.parse(readFileSync(join(machineA, 'flowkeys.json'), 'utf8')) as { vault_id: string }
    expect(text).toContain('FLOWKEYS-BACKUP 1')
    expect(text).not.toContain(account.vault_id)
  })

  it('restores in a fresh keyring: every value reads back and an older API key authenticates', async () => {
    const machineB = join(root, 'b')
    const result = await onAnotherMachine([
      process.execPath,
      resolve('test/recovery/fixtures/machine-b.mjs'),
      builtCli(),
      backup,
      machineB,
      PASSPHRASE,
      Object.keys(VALUES).join(','),
      apiKey
    ])
    expect(result.code, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!) as {
      restore: { code: number; stderr: string }
      values: Record<string, string>
      keyStatus: number
      wrongKeyStatus: number
    }
    expect(report.restore.code, report.restore.stderr).toBe(0)
    expect(report.restore.stderr).toMatch(/restored 1 users, 1 API keys and 3 variables .*OS keychain/)
    expect(report.values).toEqual(VALUES)
    expect(report.keyStatus).toBe(200)
    expect(report.wrongKeyStatus).toBe(403)
  })

  it('without the backup, the other machine cannot open the store (the key came from the file)', async () => {
    const copy = join(root, 'copied')
    const result = await onAnotherMachine([
      'bash',
      '-c',
      `mkdir -p "${copy}" && cp "${machineA}/flowkeys.json" "${copy}/" && "${process.execPath}" "${builtCli()}" vars get OPENAI_API_KEY --data-dir "${copy}"`
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/OS keychain has no vault key/)
    expect(result.stdout).not.toContain(VALUES.OPENAI_API_KEY)
  })

  const damaged: [string, (bytes: Buffer) => Buffer, RegExp][] = [
    ['a wrong passphrase', (b) => b, /Wrong passphrase/],
    ['a truncated file', (b) => b.subarray(0, b.length - 40), /damaged \(truncated or altered\)/],
    [
      'one flipped byte in the body',
      (b) => {
        const copy = Buffer.from(b)
        const at = copy.length - 30
        copy[at] = copy[at] === 0x41 ? 0x42 : 0x41
        return copy
      },
      /damaged \(truncated or altered\)/
    ]
  ]
  for (const [what, change, message] of damaged) {
    it(`refuses ${what} with one line and writes nothing`, async () => {
      const file = join(root, `changed-${what.replace(/\W+/g, '-')}.fkbackup`)
      writeFileSync(file, change(readFileSync(backup)))
      const target = join(root, `target-${what.replace(/\W+/g, '-')}`)
      const passphrase = what === 'a wrong passphrase' ? 'orbit-canyon-lantern-48' : PASSPHRASE
      const result = await cli(target, ['restore', file, '--passphrase-stdin'], `${passphrase}\n`)
      expect(expectOneLineError(result, 2)).toMatch(message)
      expect(existsSync(target) ? readdirSync(target) : []).toEqual([])
    })
  }

  it('refuses a weak passphrase with the rule it breaks, and an existing file without --force', async () => {
    const weak = await cli(
      machineA,
      ['backup', '--output', join(root, 'weak.fkbackup'), '--passphrase-stdin'],
      'short\n'
    )
    expect(expectOneLineError(weak, 2)).toMatch(/at least 12 characters/)
    expect(existsSync(join(root, 'weak.fkbackup'))).toBe(false)
    const again = await cli(machineA, ['backup', '--output', backup, '--passphrase-stdin'], `${PASSPHRASE}\n`)
    expect(expectOneLineError(again, 1)).toMatch(/already exists/)
  })

  it('refuses to restore over a store that holds data, unless --force', async () => {
    const result = await cli(machineA, ['restore', backup, '--passphrase-stdin'], `${PASSPHRASE}\n`)
    expect(expectOneLineError(result, 1)).toMatch(/already holds data; nothing was restored/)
  })
})

describe('the recovery key', () => {
  it('brings back a vault key lost from the keychain, and still does after a rotation', async () => {
    const root = tempDir('flowkeys-recover-')
    const dir = join(root, 'data')
    await setValues(dir, { OPENAI_API_KEY: VALUES.OPENAI_API_KEY! })
    const shown = await must(dir, ['init'])
    const recoveryKey = /([0-9A-Z]{5}(?:-[0-9A-Z]{5}){7})/.exec(shown)?.[1]
    expect(recoveryKey).toBeDefined()
    await must(dir, ['rotate-key'])

    // The keychain item is lost: the store no longer opens.
    const vaultId = (JSON.parse(readFileSync(join(dir, 'flowkeys.json'), 'utf8')) as { vault_id: string })
      .vault_id
    expect(await osKeychain().delete(keychainAccount(vaultId))).toBe(true)
    expect((await cli(dir, ['vars', 'get', 'OPENAI_API_KEY'])).stderr).toMatch(/OS keychain has no vault key/)

    const typo = recoveryKey!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))
    expect(expectOneLineError(await cli(dir, ['recover', '--recovery-key-stdin'], `${typo}\n`), 2)).toMatch(
      /typo/
    )
    const recovered = await cli(dir, ['recover', '--recovery-key-stdin'], `${recoveryKey!.toLowerCase()}\n`)
    expect(recovered.code, recovered.stderr).toBe(0)
    expect(recovered.stderr).toMatch(/back in the OS keychain/)
    expect(await must(dir, ['vars', 'get', 'OPENAI_API_KEY'])).toBe(`${VALUES.OPENAI_API_KEY}\n`)
    for (const output of [shown, recovered.stdout, recovered.stderr])
      expect(output).not.toContain(VALUES.OPENAI_API_KEY)
  })
})

describe('rotation with a server running and clients calling it', () => {
  it('keeps every answer right, keeps API keys, ends sessions and seals new values with the new key', async () => {
    const root = tempDir('flowkeys-rotate-live-')
    const dir = join(root, 'data')
    const generic: Record<string, string> = {}
    for (let i = 0; i < 40; i++) generic[`SETTING_${i}`] = `value-${i}-${'x'.repeat(i)}`
    const env = join(root, 'generic.env')
    writeFileSync(
      env,
      Object.entries(generic)
        .map(([k, v]) => `${k}=${v}\n`)
        .join('')
    )
    await must(dir, ['import-env', env, '--type', 'Generic'])
    const apiKey = await newApiKey(dir)
    // The superuser the CLI made, with Langflow's default password.
    const password = 'langflow'
    const server = serve(['--port', '0', '--data-dir', dir], { LANGFLOW_AUTO_LOGIN: 'false' })
    const base = await server.url()
    const headers = { 'x-api-key': apiKey }
    const login = (await (
      await fetch(`${base}/api/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: 'langflow', password })
      })
    ).json()) as { access_token: string }
    const whoami = () =>
      fetch(`${base}/api/v1/users/whoami`, { headers: { authorization: `Bearer ${login.access_token}` } })
    expect((await whoami()).status).toBe(200)

    const before = JSON.parse(readFileSync(join(dir, 'flowkeys.json'), 'utf8')) as { vault_id: string }
    const answers: { status: number; right: boolean }[] = []
    let rotating = true
    const client = async () => {
      while (rotating) {
        const response = await fetch(`${base}/api/v1/variables/`, { headers })
        const body =
          response.status === 200 ? ((await response.json()) as { name: string; value: string }[]) : []
        const right = body.length === 40 && body.every((v) => generic[v.name] === v.value)
        answers.push({ status: response.status, right })
      }
    }
    const clients = [client(), client(), client()]
    await new Promise((r) => setTimeout(r, 300))
    const rotated = await cli(dir, ['rotate-key'])
    await new Promise((r) => setTimeout(r, 500))
    rotating = false
    await Promise.all(clients)
    expect(rotated.code, rotated.stderr).toBe(0)
    expect(rotated.stderr).toMatch(/sealed 40 variables/)
    const after = JSON.parse(readFileSync(join(dir, 'flowkeys.json'), 'utf8')) as { vault_id: string }
    expect(after.vault_id).not.toBe(before.vault_id)
    expect(answers.length).toBeGreaterThan(20)
    expect(answers.filter((a) => a.status !== 200 || !a.right)).toEqual([])

    // Sessions signed with the old key end; the API key made before keeps working.
    expect((await whoami()).status).toBe(401)
    expect((await fetch(`${base}/api/v1/users/whoami`, { headers })).status).toBe(200)

    // The server seals with the new key without a restart: the CLI (new key) reads what it wrote.
    const created = await fetch(`${base}/api/v1/variables/`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'AFTER_ROTATION', value: 'sealed-by-the-server', type: 'Credential' })
    })
    expect(created.status).toBe(201)
    expect(await must(dir, ['vars', 'get', 'AFTER_ROTATION'])).toBe('sealed-by-the-server\n')
  })
})
