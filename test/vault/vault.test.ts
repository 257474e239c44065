import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { Corrupt, Invalid } from '../../src/main/base/errors'
import { STORE_FILE } from '../../src/main/store/data-file'
import { JsonStore } from '../../src/main/store/json-store'
import { osKeychain } from '../../src/main/vault/keychain'
import { deriveSubkey } from '../../src/main/vault/subkeys'
import { parseSecretKey } from '../../src/main/vault/vault-key'
import { Vault, keychainAccount } from '../../src/main/vault/vault'
import { bundle } from '../helpers/bundle'
import { tempDir } from '../helpers/tmp'

const root = tempDir()
let n = 0
const freshDir = () => join(root, `v${n++}`)
const keychain = osKeychain()
const opener = bundle('test/vault/fixtures/open-vault.ts')

function openInChild(dataDir: string, token?: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, [opener, dataDir, ...(token ? [token] : [])], {
    encoding: 'utf8',
    env,
    timeout: 30_000
  })
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as {
    source?: string
    token?: string
    opened?: string | null
    error?: string
    kind?: string
  }
}

const noEnvKey = { ...process.env, FLOWKEYS_SECRET_KEY: '', LANGFLOW_SECRET_KEY: '' }

describe('FLOWKEYS_SECRET_KEY and LANGFLOW_SECRET_KEY', () => {
  it('accepts a token_urlsafe(32) value, with or without padding', () => {
    const raw = randomBytes(32)
    const text = raw.toString('base64url')
    expect(text).toHaveLength(43)
    expect(parseSecretKey(text)).toEqual(raw)
    expect(parseSecretKey(`${text}=`)).toEqual(raw)
  })

  it.each([
    ['too short', 'abc'],
    ['31 bytes', randomBytes(31).toString('base64url')],
    ['33 bytes', randomBytes(33).toString('base64url')],
    ['not url-safe base64', 'x'.repeat(40) + '+/*']
  ])('rejects a value that is %s, with a clear error that does not repeat it', (_name, value) => {
    let error: unknown
    try {
      parseSecretKey(value)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(Invalid)
    expect((error as Error).message).toMatch(
      /FLOWKEYS_SECRET_KEY must be url-safe base64 that decodes to 32 bytes/
    )
    expect((error as Error).message).not.toContain(value)
  })

  it('opens the vault without touching the keychain, and rejects a wrong key for the same store', async () => {
    const dir = freshDir()
    const key = randomBytes(32).toString('base64url')
    const vault = await Vault.open({
      store: JsonStore.open(dir),
      keychain,
      env: { LANGFLOW_SECRET_KEY: key }
    })
    expect(vault.source).toBe('LANGFLOW_SECRET_KEY')
    const meta = await JsonStore.open(dir).vaultMeta()
    expect(await keychain.get(keychainAccount(meta.vault_id as string))).toBeNull()
    const again = await Vault.open({
      store: JsonStore.open(dir),
      keychain,
      env: { LANGFLOW_SECRET_KEY: key }
    })
    expect(again.decrypt(vault.encrypt('x'))).toBe('x')
    await expect(
      Vault.open({
        store: JsonStore.open(dir),
        keychain,
        env: { LANGFLOW_SECRET_KEY: randomBytes(32).toString('base64url') }
      })
    ).rejects.toThrow(/does not open the secrets in .*flowkeys\.json/)
  })

  it('FLOWKEYS_SECRET_KEY wins over LANGFLOW_SECRET_KEY, which still opens a store made with it', async () => {
    const dir = freshDir()
    const key = randomBytes(32).toString('base64url')
    const other = randomBytes(32).toString('base64url')
    const made = await Vault.open({ store: JsonStore.open(dir), keychain, env: { LANGFLOW_SECRET_KEY: key } })
    const both = await Vault.open({
      store: JsonStore.open(dir),
      keychain,
      env: { FLOWKEYS_SECRET_KEY: key, LANGFLOW_SECRET_KEY: other }
    })
    expect(both.source).toBe('FLOWKEYS_SECRET_KEY')
    expect(both.decrypt(made.encrypt('x'))).toBe('x')
    await expect(
      Vault.open({ store: JsonStore.open(dir), keychain, env: { FLOWKEYS_SECRET_KEY: 'short' } })
    ).rejects.toThrow(/^FLOWKEYS_SECRET_KEY must be url-safe base64/)
    await expect(
      Vault.open({ store: JsonStore.open(dir), keychain, env: { LANGFLOW_SECRET_KEY: 'short' } })
    ).rejects.toThrow(/^LANGFLOW_SECRET_KEY must be url-safe base64/)
  })
})

describe('vault key in the OS keychain (real gnome-keyring)', () => {
  it('is generated on first run, kept in the keychain and used by a second process', async () => {
    const dir = freshDir()
    const first = openInChild(dir, undefined, noEnvKey)
    expect(first.error).toBeUndefined()
    expect(first.source).toBe('generated')
    const second = openInChild(dir, first.token, noEnvKey)
    expect(second.error).toBeUndefined()
    expect(second.source).toBe('keychain')
    expect(second.opened).toBe('sealed in another process')
    const vaultId = (await JsonStore.open(dir).vaultMeta()).vault_id as string
    const stored = await keychain.get(keychainAccount(vaultId))
    expect(stored).toMatch(/^[A-Za-z0-9_-]{43}$/)
    // The master key is in the keychain only: not in any file of the data directory.
    for (const name of readdirSync(dir)) expect(readFileSync(join(dir, name), 'utf8')).not.toContain(stored)
  })

  it('two processes starting on a fresh store at once agree on one key', () => {
    const dir = freshDir()
    mkdirSync(dir, { recursive: true })
    const script = `
      const { spawn } = require('node:child_process')
      const run = () => new Promise((r) => { let out = ''; const c = spawn(process.execPath, [${JSON.stringify(opener)}, ${JSON.stringify(dir)}]); c.stdout.on('data', (d) => out += d); c.on('exit', () => r(JSON.parse(out))) })
      Promise.all([run(), run()]).then((rs) => console.log(JSON.stringify(rs)))`
    const out = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: noEnvKey,
      timeout: 30_000
    })
    const results = JSON.parse(out.stdout) as Array<{ token: string; source: string }>
    expect(results.map((r) => r.source).sort()).toEqual(['generated', 'keychain'])
    const third = openInChild(dir, results[0]?.token, noEnvKey)
    expect(third.opened).toBe('sealed in another process')
    expect(openInChild(dir, results[1]?.token, noEnvKey).opened).toBe('sealed in another process')
  })

  it('refuses to make a new key when the store holds secrets and the keychain lost its key', async () => {
    const dir = freshDir()
    const vault = await Vault.open({ store: JsonStore.open(dir), keychain, env: {} })
    expect(vault.source).toBe('generated')
    const before = readFileSync(join(dir, STORE_FILE))
    await keychain.delete(keychainAccount((await JsonStore.open(dir).vaultMeta()).vault_id as string))
    const error = await Vault.open({ store: JsonStore.open(dir), keychain, env: {} }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Corrupt)
    expect((error as Error).message).toMatch(/Refusing to create a new key/)
    expect(readFileSync(join(dir, STORE_FILE))).toEqual(before)
  })

  it('with no Secret Service on the bus, fails with an error that names both fixes', () => {
    const dir = freshDir()
    const busConfig = join(root, 'bare-session.conf')
    // A D-Bus session with no service files: nothing can provide org.freedesktop.secrets. Its socket goes in
    // this suite's folder, not /tmp.
    writeFileSync(
      busConfig,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:dir=${root}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`
    )
    const result = spawnSync(
      'dbus-run-session',
      [`--config-file=${busConfig}`, '--', process.execPath, opener, dir],
      {
        encoding: 'utf8',
        env: noEnvKey,
        timeout: 30_000
      }
    )
    const report = JSON.parse(result.stdout.trim().split('\n').pop() as string) as {
      error: string
      kind: string
    }
    expect(report.kind).toBe('Unavailable')
    expect(report.error).toMatch(/FLOWKEYS_SECRET_KEY is not set and the OS keychain cannot be used/)
    expect(report.error).toMatch(/Secret Service/)
    expect(report.error).toMatch(/set FLOWKEYS_SECRET_KEY/)
    expect(report.error).not.toContain('\n')
    // Nothing was written: no store, and certainly no key file.
    expect(readdirSync(dir)).toEqual([])
  })

  it('with no D-Bus session at all, fails the same clear way', () => {
    const dir = freshDir()
    const report = openInChild(dir, undefined, {
      ...noEnvKey,
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(root, 'no-bus')}`
    })
    expect(report.kind).toBe('Unavailable')
    expect(report.error).toMatch(/OS keychain cannot be used.*set FLOWKEYS_SECRET_KEY/)
  })
})

describe('sub-keys', () => {
  it('are distinct per purpose, and none is the master key', () => {
    const master = randomBytes(32)
    const keys = (['fernet', 'api-key-hmac', 'token-signing'] as const).map((p) => deriveSubkey(master, p))
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(3)
    for (const k of keys) expect(k.equals(master)).toBe(false)
    expect(deriveSubkey(master, 'fernet')).toEqual(keys[0])
  })

  it('API-key hashes are keyed: the same key hashes differently under another vault', () => {
    const a = Vault.fromMasterKey(randomBytes(32), 'generated')
    const b = Vault.fromMasterKey(randomBytes(32), 'generated')
    expect(a.hashApiKey('sk-test')).toBe(a.hashApiKey('sk-test'))
    expect(a.hashApiKey('sk-test')).not.toBe(b.hashApiKey('sk-test'))
    expect(a.hashApiKey('sk-test')).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('opening an initialised store', () => {
  it('writes nothing: read-only commands stay read-only', async () => {
    const dir = freshDir()
    await Vault.open({ store: JsonStore.open(dir), keychain, env: {} })
    const file = join(dir, STORE_FILE)
    const before = readFileSync(file)
    const stamp = statSync(file)
    const store = JsonStore.open(dir)
    // Every write of the store, through any of its operations, is a transaction (onWrite is gone).
    const transaction = vi.spyOn(store, 'transaction')
    const again = await Vault.open({ store, keychain, env: {} })
    expect(again.source).toBe('keychain')
    expect(transaction).not.toHaveBeenCalled()
    expect(readFileSync(file)).toEqual(before)
    // Not even rewritten with the same bytes: an atomic write would make a new file (another inode).
    const after = statSync(file)
    expect([after.ino, after.mtimeMs]).toEqual([stamp.ino, stamp.mtimeMs])
  })
})
