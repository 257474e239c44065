import { spawn } from 'node:child_process'
import { existsSync, readFileSync, watch, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'dotenv'
import { osKeychain } from '../../src/main/vault/keychain'
import { ROTATION_JOURNAL_FILE, rotationJournal } from '../../src/main/vault/rotation-journal'
import { keychainAccount } from '../../src/main/vault/vault'
import { builtCli } from '../helpers/bundle'
import { tempDir } from '../helpers/tmp'
import { cliEnv, flowkeys } from '../cli/helpers'
import { serve } from '../server/serve-process'

// SIGKILL of `flowkeys rotate-key` at random instants: afterwards the store opens with one of the two keys (the
// keychain holds the key its vault_id names) and every value, and the upstream's key, reads back; the next command
// removes the keychain item the store does not name (the new key before the commit, the retired one after).

const KILLS = 20
const VARIABLES = 500

function vaultIdOf(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'flowkeys.json'), 'utf8')) as { vault_id: string }).vault_id
}

async function must(dir: string, args: string[], input?: string): Promise<string> {
  const result = await flowkeys([...args, '--data-dir', dir], { input })
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0)
  return result.stdout
}

/** Starts `flowkeys rotate-key` and SIGKILLs it after `delayMs` (if it still runs); answers its exit. */
function rotateAndKill(dir: string, delayMs: number): Promise<{ killed: boolean; ms: number }> {
  const started = performance.now()
  const child = spawn(process.execPath, [builtCli(), 'rotate-key', '--data-dir', dir], { env: cliEnv() })
  child.stdin.end()
  const timer = setTimeout(() => child.kill('SIGKILL'), delayMs)
  return new Promise((done) =>
    child.on('close', (_code, signal) => {
      clearTimeout(timer)
      done({ killed: signal === 'SIGKILL', ms: performance.now() - started })
    })
  )
}

/** Starts `flowkeys rotate-key` and SIGKILLs it as soon as a file named `name` appears in (or replaces one in) `dir`. */
function rotateAndKillOn(dir: string, name: string): Promise<{ killed: boolean }> {
  const child = spawn(process.execPath, [builtCli(), 'rotate-key', '--data-dir', dir], { env: cliEnv() })
  child.stdin.end()
  const watcher = watch(dir, (_event, file) => {
    if (file === name) child.kill('SIGKILL')
  })
  return new Promise((done) =>
    child.on('close', (_code, signal) => {
      watcher.close()
      done({ killed: signal === 'SIGKILL' })
    })
  )
}

describe('rotate-key killed at random points', () => {
  it(`leaves the old or the new state, never a mix (${KILLS} kills)`, async () => {
    const root = tempDir('flowkeys-rotate-kill-')
    const dir = join(root, 'data')
    const values: Record<string, string> = {}
    for (let i = 0; i < VARIABLES; i++)
      values[`VAR_${i}`] = `secret-${i}-${Math.random().toString(36).slice(2)}`
    const envFile = join(root, 'import.env')
    writeFileSync(
      envFile,
      Object.entries(values)
        .map(([k, v]) => `${k}=${v}\n`)
        .join('')
    )
    await must(dir, ['import-env', envFile])
    await must(
      dir,
      ['upstream', 'set', 'http://127.0.0.1:7860', '--api-key-stdin'],
      'sk-upstream-canary-key\n'
    )
    const apiKey = (JSON.parse(await must(dir, ['api-key', '--json'])) as { api_key: string }).api_key

    // One full run gives the span the kills are spread over.
    const full = await rotateAndKill(dir, 60_000)
    expect(full.killed).toBe(false)

    const exported = join(root, 'exported.env')
    let changed = 0
    let killed = 0
    // The span follows the machine's load: longer after a kill that landed before the commit, shorter after one that
    // came after it, so the kills keep landing on both sides of the commit however slow the CLI runs.
    let span = full.ms
    const keychain = osKeychain()
    for (let i = 0; i < KILLS; i++) {
      const before = vaultIdOf(dir)
      const run = await rotateAndKill(dir, span * (0.3 + 0.8 * Math.random()))
      if (run.killed) killed++
      const rotated = vaultIdOf(dir) !== before
      if (rotated) changed++
      span *= rotated ? 0.9 : 1.15
      const interrupted = rotationJournal(dir).read()
      if (!run.killed) expect(interrupted).toBeNull()

      // The store opens (its key is where its vault_id says) and every value is the one imported.
      await must(dir, ['export-env', '--output', exported, '--force'])
      expect(parse(readFileSync(exported, 'utf8'))).toEqual(values)
      expect(await must(dir, ['upstream', 'show'])).toContain('API key:  sk-upstr*')
      if (interrupted) {
        expect(existsSync(join(dir, ROTATION_JOURNAL_FILE))).toBe(false)
        const current = vaultIdOf(dir)
        expect([interrupted.from, interrupted.to]).toContain(current)
        for (const id of [interrupted.from!, interrupted.to]) {
          const item = await keychain.get(keychainAccount(id))
          if (id === current) expect(item).not.toBeNull()
          else expect(item, `the unused key of vault ${id}`).toBeNull()
        }
      }
    }
    // Both outcomes were reached, so the kills did land inside the rotation.
    expect(killed).toBeGreaterThan(0)
    expect(changed).toBeGreaterThan(0)
    expect(changed).toBeLessThan(KILLS)

    // The API key made before all of it still authenticates (its hashing key was carried over each time).
    const server = serve(['--port', '0', '--data-dir', dir])
    const response = await fetch(`${await server.url()}/api/v1/users/whoami`, {
      headers: { 'x-api-key': apiKey }
    })
    expect(response.status).toBe(200)
  }, 240_000)

  // The window between the new key's keychain item and the old one's removal is short: kill right inside it, when
  // the journal appears (the store not changed yet) and when the store file is replaced (the commit done).
  it('the next command removes the keychain item a killed rotation left unused', async () => {
    const dir = join(tempDir('flowkeys-rotate-litter-'), 'data')
    await must(dir, ['vars', 'set', 'A', '--value-stdin'], 'a-value')
    const keychain = osKeychain()
    // A kill lands a little after its trigger (later on a loaded machine): each attempt checks what it hit, and the
    // attempts go on until both sides of the commit were hit.
    const hit = { beforeCommit: 0, afterCommit: 0 }
    for (let attempt = 0; attempt < 16 && (hit.beforeCommit === 0 || hit.afterCommit === 0); attempt++) {
      const trigger = hit.beforeCommit <= hit.afterCommit ? ROTATION_JOURNAL_FILE : 'flowkeys.json'
      const run = await rotateAndKillOn(dir, trigger)
      const entry = rotationJournal(dir).read()
      if (!run.killed || !entry) continue
      const after = vaultIdOf(dir)
      expect([entry.from, entry.to]).toContain(after)
      if (after === entry.from) hit.beforeCommit++
      else hit.afterCommit++
      const unused = after === entry.from ? entry.to : entry.from!

      expect(await must(dir, ['vars', 'get', 'A'])).toBe('a-value\n')
      expect(existsSync(join(dir, ROTATION_JOURNAL_FILE))).toBe(false)
      expect(await keychain.get(keychainAccount(unused)), `vault ${unused}`).toBeNull()
      expect(await keychain.get(keychainAccount(after))).not.toBeNull()
    }
    expect(hit.beforeCommit).toBeGreaterThan(0)
    expect(hit.afterCommit).toBeGreaterThan(0)
  }, 180_000)
})
