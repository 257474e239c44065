import { randomUUID } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { parse } from 'dotenv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliIO } from '../../src/main/cli/io'
import { runCli } from '../../src/main/cli/program'
import { openCore, type Core } from '../../src/main/core/open'
import { tempDir } from '../helpers/tmp'
import { cliEnv, expectNoFileHolds, expectOneLineError, ok, recordingRun, type CliResult } from './helpers'

const root = tempDir('flowkeys-cli-export-env-')

const tag = randomUUID().slice(0, 8)

/** Values that need every kind of care in a .env file. */
const VALUES: Record<string, string> = {
  PLAIN: `plain-${tag}`,
  SPACES: `  padded ${tag} value  `,
  MULTI: `-----BEGIN KEY-----\nline-${tag}\n-----END KEY-----`,
  CRLF: `crlf-${tag}\r\nsecond`,
  DOUBLE: `say "hi" ${tag}`,
  SINGLE: `it's ${tag}`,
  BACKTICK: `run \`cmd\` ${tag}`,
  MIXED: `'single' and "double" ${tag}`,
  HASH: `before # after ${tag}`,
  DOLLAR: `$HOME-\${USER}-${tag}`,
  BACKSLASH: `C:\\path\\n${tag}\\`,
  EQUALS: `a=b=c-${tag}`,
  UNICODE: `clé-ünïcödé-🔑-${tag}`,
  MULTI_QUOTES: `line "one" ${tag}\nline 'two'`
}

describe('flowkeys export-env', () => {
  const source = join(root, 'source')
  const target = join(root, 'target')
  const outputs: CliResult[] = []
  let core: Core

  const run = recordingRun(outputs)
  const valuesOf = async (dataDir: string, username: string): Promise<Record<string, string>> => {
    const other = await openCore({ dataDir, env: {} })
    try {
      const userId = (await other.users.resolve(username)).id
      const found: Record<string, string> = {}
      for (const v of await other.variables.list(userId))
        found[v.name] = (await other.variables.get(userId, v.name)).value
      return found
    } finally {
      await other.close()
    }
  }

  beforeAll(async () => {
    await ok(source, ['users', 'list'])
    core = await openCore({ dataDir: source, env: {} })
    const userId = core.superuser().id
    for (const [name, value] of Object.entries(VALUES)) {
      await core.variables.create(userId, { name, value, type: name === 'PLAIN' ? 'Generic' : 'Credential' })
    }
    await ok(target, ['users', 'add', 'bob', '--password-stdin'], `pw-${tag}\n`)
  })
  afterAll(async () => {
    await core?.close()
    for (const { stderr } of outputs)
      for (const value of Object.values(VALUES)) expect(stderr).not.toContain(value)
  })

  it('--output writes a 0600 file that dotenv reads back to the exact values', async () => {
    const file = join(root, 'backup.env')
    const result = await run(source, ['export-env', '--output', file])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(
      `Exported ${Object.keys(VALUES).length} variables of langflow to ${file} (mode 0600).\n`
    )
    for (const value of Object.values(VALUES)) expect(result.stdout).not.toContain(value)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(parse(readFileSync(file))).toEqual(VALUES)
  })

  it('round trip: export, then import-env into another data dir and user, gives identical values', async () => {
    const file = join(root, 'round-trip.env')
    await ok(source, ['export-env', '--output', file])
    const imported = await run(target, ['import-env', file, '--user', 'bob'])
    expect(imported.stderr).toBe('')
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain(`${Object.keys(VALUES).length} created, 0 updated`)
    expect(await valuesOf(target, 'bob')).toEqual(VALUES)

    // And back again: everything unchanged.
    const again = await run(target, ['import-env', file, '--user', 'bob', '--json'])
    expect(JSON.parse(again.stdout).preview.counts.unchanged).toBe(Object.keys(VALUES).length)
  })

  it('without --output prints to stdout (no warning when stdout is not a terminal); pipes into import-env -', async () => {
    const result = await run(source, ['export-env', '--names', 'MULTI,HASH'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(parse(result.stdout)).toEqual({ MULTI: VALUES.MULTI, HASH: VALUES.HASH })
    await ok(target, ['users', 'add', 'carol', '--password-stdin'], `pw-${tag}\n`)
    await ok(target, ['import-env', '-', '--user', 'carol'], result.stdout)
    expect(await valuesOf(target, 'carol')).toEqual({ MULTI: VALUES.MULTI, HASH: VALUES.HASH })
  })

  it('warns on stderr (one line, no value) when the text goes to a terminal', async () => {
    const out: string[] = []
    const err: string[] = []
    const io: CliIO = {
      out: (text) => void out.push(text),
      err: (text) => void err.push(text),
      prompt: () => undefined,
      stdoutIsTTY: true,
      stdin: Readable.from([]),
      env: cliEnv()
    }
    expect(await runCli(['export-env', '--names', 'PLAIN', '--data-dir', source], io)).toBe(0)
    expect(err).toEqual([
      'flowkeys: warning: printing secret values to the terminal; use --output FILE to keep them off it'
    ])
    expect(parse(out.join('\n'))).toEqual({ PLAIN: VALUES.PLAIN })
  })

  it('never replaces a file without --force; with it, the file is replaced and stays 0600', async () => {
    const file = join(root, 'existing.env')
    await ok(source, ['export-env', '--output', file])
    const before = readFileSync(file)
    expect(
      expectOneLineError(await run(source, ['export-env', '--names', 'PLAIN', '--output', file]), 1)
    ).toBe(`flowkeys: ${file} already exists; pass --force to replace it. Nothing was written.`)
    expect(readFileSync(file)).toEqual(before)
    await ok(source, ['export-env', '--names', 'PLAIN', '--output', file, '--force'])
    expect(parse(readFileSync(file))).toEqual({ PLAIN: VALUES.PLAIN })
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('unknown --names are listed (exit 1) and nothing is written; --force without --output is bad usage', async () => {
    const file = join(root, 'never.env')
    const result = await run(source, [
      'export-env',
      '--names',
      `PLAIN,NOPE_${tag},ALSO_NOPE`,
      '--output',
      file
    ])
    expect(expectOneLineError(result, 1)).toBe(
      `flowkeys: 2 variables not found: NOPE_${tag}, ALSO_NOPE. Nothing was exported.`
    )
    expect(() => statSync(file)).toThrow()
    expect(expectOneLineError(await run(source, ['export-env', '--names', 'NOPE']), 1)).toBe(
      'flowkeys: NOPE variable not found. Nothing was exported.'
    )
    expect(expectOneLineError(await run(source, ['export-env', '--force']), 2)).toMatch(
      /--force only applies/
    )
    expect(expectOneLineError(await run(source, ['export-env', '--user', 'nobody']), 1)).toBe(
      'flowkeys: User not found: nobody'
    )
  })

  it('no file in either data dir holds a value', () => {
    const secrets = Object.values(VALUES).flatMap((v) => v.split(/\r?\n/).filter((s) => s.includes(tag)))
    expectNoFileHolds(source, secrets)
    expectNoFileHolds(target, secrets)
  })
})

describe('export-env and a name a .env file cannot hold', () => {
  it('leaves it out with a one-line warning naming it (exit 0); asked for by --names, it refuses the export', async () => {
    const dataDir = join(root, 'odd-names')
    await ok(dataDir, ['users', 'list'])
    const core = await openCore({ dataDir, env: {} })
    try {
      const userId = core.superuser().id
      await core.variables.create(userId, { name: 'OPENAI_API_KEY', value: `sk-${randomUUID()}` })
      await core.variables.create(userId, { name: 'openai model', value: 'gpt-4o', type: 'Generic' })
    } finally {
      await core.close()
    }
    const file = join(dataDir, 'out.env')
    const run = recordingRun([])
    const all = await run(dataDir, ['export-env', '--output', file])
    expect(all.code).toBe(0)
    expect(all.stderr.trim()).toBe(
      'flowkeys: warning: not exported (not a .env name, or a value a .env file cannot hold): openai model'
    )
    expect(all.stdout).toContain('Exported 1 variable of langflow')
    expect(Object.keys(parse(readFileSync(file, 'utf8')))).toEqual(['OPENAI_API_KEY'])
    const named = await run(dataDir, ['export-env', '--names', 'openai model'])
    expect(expectOneLineError(named, 1)).toMatch(/openai model \(not a valid \.env name\)/)
  })
})
