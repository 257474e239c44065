import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/main/core/open'
import { tempDir } from '../helpers/tmp'
import { allFiles, expectNoFileHolds, expectOneLineError, ok, recordingRun, type CliResult } from './helpers'

const root = tempDir('flowkeys-cli-import-env-')

const tag = randomUUID().slice(0, 8)
const V = {
  same: `same-${tag}-value`,
  old: `old-${tag}-value`,
  changed: `changed-${tag}-value`,
  fresh: `fresh-${tag}-value`,
  bad: `bad-${tag}-value`,
  multi: `first-${tag}\nsecond-${tag}`
}

const SEED = `SAME=${V.same}\nCHANGE=${V.old}\n`

// Line numbers matter: the preview must name the line each entry is set on.
const PREVIEW_FILE = [
  '# a comment',
  `NEW_ONE=${V.fresh}`,
  `SAME=${V.same}`,
  `export CHANGE="${V.changed}"`,
  `1BAD=${V.bad}`,
  `MULTI="${V.multi}"`,
  'EMPTY=',
  ''
].join('\n')

interface Row {
  name: string
  line: string
  type: string
  status: string
  reason: string
}

/** The preview table's rows, split on the column positions of its header. */
function rows(stdout: string): Row[] {
  const lines = stdout.trimEnd().split('\n')
  const header = lines[0]!
  expect(header).toMatch(/^NAME\s+LINE\s+TYPE\s+STATUS\s+REASON$/)
  const at = ['LINE', 'TYPE', 'STATUS', 'REASON'].map((h) => header.indexOf(h))
  return lines
    .slice(1)
    .filter((l) => !/^(Imported|Dry run|line \d+:)/.test(l))
    .map((l) => ({
      name: l.slice(0, at[0]).trim(),
      line: l.slice(at[0], at[1]).trim(),
      type: l.slice(at[1], at[2]).trim(),
      status: l.slice(at[2], at[3]).trim(),
      reason: l.slice(at[3]).trim()
    }))
}

describe('flowkeys import-env', () => {
  const outputs: CliResult[] = []
  let core: Core
  let n = 0
  const dataDirs: string[] = []

  /** A fresh data dir holding SAME and CHANGE for the superuser. */
  const seeded = async (): Promise<string> => {
    const dataDir = join(root, `data-${n++}`)
    dataDirs.push(dataDir)
    await run(dataDir, ['import-env', '-'], SEED)
    return dataDir
  }
  const envFile = (text: string | Buffer): string => {
    const path = join(root, `file-${n++}.env`)
    writeFileSync(path, text)
    return path
  }
  const run = recordingRun(outputs)
  const snapshot = (dataDir: string) => allFiles(dataDir).sort((a, b) => (a.path < b.path ? -1 : 1))
  const valueOf = async (dataDir: string, name: string, user?: string) => {
    await core?.close()
    core = await openCore({ dataDir, env: {} })
    const userId = user ? (await core.users.resolve(user)).id : core.superuser().id
    return core.variables.find(userId, name)
  }

  afterAll(async () => {
    await core?.close()
    // No value ever reached the terminal.
    for (const { stdout, stderr } of outputs) {
      for (const value of [...Object.values(V), ...V.multi.split('\n')]) {
        expect(stdout).not.toContain(value)
        expect(stderr).not.toContain(value)
      }
    }
  })

  it('previews each entry with its line, status and reason; --dry-run stores nothing', async () => {
    const dataDir = await seeded()
    const before = snapshot(dataDir)
    const file = envFile(PREVIEW_FILE)
    const result = await run(dataDir, ['import-env', file, '--dry-run', '--overwrite'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const table = rows(result.stdout)
    expect(table.map(({ name, line, status }) => [name, line, status])).toEqual([
      ['NEW_ONE', '2', 'new'],
      ['SAME', '3', 'unchanged'],
      ['CHANGE', '4', 'changed'],
      ['1BAD', '5', 'invalid'],
      ['MULTI', '6', 'new'],
      ['EMPTY', '8', 'invalid']
    ])
    expect(table.find((r) => r.name === '1BAD')!.reason).toMatch(/invalid name/)
    expect(table.find((r) => r.name === 'EMPTY')!.reason).toMatch(/empty value/)
    expect(table.find((r) => r.name === 'CHANGE')!.reason).toMatch(/would be replaced/)
    expect(result.stdout).toMatch(
      /Dry run for langflow, nothing was stored: would create 2, update 1, skip 0/
    )
    expect(snapshot(dataDir)).toEqual(before)

    // Without a flag, a dry run answers as the import would: refused, naming the conflict.
    const refused = await run(dataDir, ['import-env', file, '--dry-run'])
    expect(expectOneLineError(refused, 1)).toMatch(/CHANGE.*--overwrite.*--skip-existing/)
    expect(rows(refused.stdout).find((r) => r.name === 'CHANGE')!.reason).toMatch(/needs --overwrite/)
    expect(snapshot(dataDir)).toEqual(before)
  })

  it('refuses conflicts without --overwrite or --skip-existing, storing nothing at all', async () => {
    const dataDir = await seeded()
    const before = snapshot(dataDir)
    const result = await run(dataDir, ['import-env', envFile(PREVIEW_FILE)])
    expect(expectOneLineError(result, 1)).toBe(
      'flowkeys: 1 variable already exists with a different value: CHANGE. ' +
        'Pass --overwrite to replace it or --skip-existing to keep it; nothing was imported.'
    )
    expect(snapshot(dataDir)).toEqual(before)
    expect((await valueOf(dataDir, 'NEW_ONE'))?.value).toBeUndefined()
    expect((await valueOf(dataDir, 'CHANGE'))?.value).toBe(V.old)
  })

  it('--skip-existing keeps the stored value and imports the rest', async () => {
    const dataDir = await seeded()
    const result = await run(dataDir, ['import-env', envFile(PREVIEW_FILE), '--skip-existing'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /Imported for langflow: 2 created, 0 updated, 1 skipped; 1 unchanged, 2 invalid\./
    )
    expect((await valueOf(dataDir, 'CHANGE'))?.value).toBe(V.old)
    // NEW_ONE's name does not say it is a secret: Generic, as guessed.
    expect(await valueOf(dataDir, 'NEW_ONE')).toEqual({ name: 'NEW_ONE', type: 'Generic', value: V.fresh })
    expect((await valueOf(dataDir, 'MULTI'))?.value).toBe(V.multi)
    expect(await valueOf(dataDir, '1BAD')).toBeNull()
    expect(await valueOf(dataDir, 'EMPTY')).toBeNull()
  })

  it('--overwrite replaces the stored value; a second run finds everything unchanged', async () => {
    const dataDir = await seeded()
    const file = envFile(PREVIEW_FILE)
    const result = await run(dataDir, ['import-env', file, '--overwrite'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/2 created, 1 updated, 0 skipped; 1 unchanged, 2 invalid\./)
    expect((await valueOf(dataDir, 'CHANGE'))?.value).toBe(V.changed)
    expect((await valueOf(dataDir, 'NEW_ONE'))?.value).toBe(V.fresh)

    const before = snapshot(dataDir)
    const again = await run(dataDir, ['import-env', file])
    expect(again.code).toBe(0)
    expect(rows(again.stdout).map((r) => r.status)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'invalid',
      'unchanged',
      'invalid'
    ])
    expect(snapshot(dataDir)).toEqual(before)
  })

  it('--type Generic and --user import for another user with that type; --json prints preview and result', async () => {
    const dataDir = await seeded()
    await run(dataDir, ['users', 'add', 'alice', '--password-stdin'], `pw-${tag}\n`)
    const result = await run(
      dataDir,
      ['import-env', '-', '--user', 'alice', '--type', 'Generic', '--json'],
      PREVIEW_FILE
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const printed = JSON.parse(result.stdout)
    expect(Object.keys(printed).sort()).toEqual(['dry_run', 'preview', 'result', 'user_id'])
    expect(printed.preview.skippedLines).toEqual([])
    expect(printed.result.skippedLines).toEqual([])
    expect(printed.dry_run).toBe(false)
    expect(printed.preview.counts).toEqual({ new: 4, changed: 0, unchanged: 0, invalid: 2, duplicates: 0 })
    expect(printed.preview.entries[0]).toEqual({
      name: 'NEW_ONE',
      line: 2,
      status: 'new',
      type: 'Generic',
      default_fields: [],
      duplicateLines: []
    })
    expect(printed.result).toMatchObject({
      created: ['NEW_ONE', 'SAME', 'CHANGE', 'MULTI'],
      updated: [],
      skipped: [],
      unchanged: []
    })
    expect(printed.result.invalid.map((e: { name: string }) => e.name)).toEqual(['1BAD', 'EMPTY'])
    expect(JSON.stringify(printed)).not.toMatch(/"value"/)
    expect(await valueOf(dataDir, 'CHANGE', 'alice')).toEqual({
      name: 'CHANGE',
      type: 'Generic',
      value: V.changed
    })
    // The superuser's own variables are untouched.
    expect((await valueOf(dataDir, 'CHANGE'))?.value).toBe(V.old)

    const dry = JSON.parse(
      (await run(dataDir, ['import-env', '-', '--dry-run', '--json'], `X_${tag}=1\n`)).stdout
    )
    expect(dry).toMatchObject({ dry_run: true, result: null, preview: { counts: { new: 1 } } })
  })

  it('guesses a type per line, says so for duplicates, and reports a line without `=` by number only', async () => {
    const dataDir = await seeded()
    const file = envFile(
      [
        `SERVICE_API_KEY=${V.fresh}`, // 1
        'ASTRA_DB_API_ENDPOINT=https://db.example', // 2
        V.bad, // 3: a value pasted without a name
        'LANGFLOW_PORT=7860', // 4
        `SERVICE_API_KEY=${V.changed}`, // 5
        ''
      ].join('\n')
    )
    const result = await run(dataDir, ['import-env', file])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(rows(result.stdout).map(({ name, line, type, status }) => [name, line, type, status])).toEqual([
      ['ASTRA_DB_API_ENDPOINT', '2', 'Generic', 'new'],
      ['LANGFLOW_PORT', '4', 'Generic', 'new'],
      ['SERVICE_API_KEY', '5', 'Credential', 'new']
    ])
    expect(rows(result.stdout).find((r) => r.name === 'SERVICE_API_KEY')!.reason).toBe(
      'also set on line 1 (the last wins)'
    )
    expect(result.stdout).toContain('\nline 3: no `=`; skipped\n')
    expect(result.stdout).toMatch(/3 created, 0 updated, 0 skipped; 0 unchanged, 0 invalid, 1 line skipped\./)
    expect(await valueOf(dataDir, 'ASTRA_DB_API_ENDPOINT')).toMatchObject({ type: 'Generic' })
    expect(await valueOf(dataDir, 'SERVICE_API_KEY')).toEqual({
      name: 'SERVICE_API_KEY',
      type: 'Credential',
      value: V.changed
    })

    // --type still forces one type for every line; --json carries the skipped lines in preview and result.
    const forced = JSON.parse(
      (await run(dataDir, ['import-env', '-', '--type', 'Credential', '--json'], `MY_PORT=1\n${V.bad}\n`))
        .stdout
    )
    expect(forced.preview.entries.map((e: { type: string }) => e.type)).toEqual(['Credential'])
    expect(forced.preview.skippedLines).toEqual([{ line: 2, reason: 'no `=`' }])
    expect(forced.result.skippedLines).toEqual([{ line: 2, reason: 'no `=`' }])
    expect(await valueOf(dataDir, 'MY_PORT')).toMatchObject({ type: 'Credential' })

    // A file of skipped lines only says so too.
    const none = await run(dataDir, ['import-env', envFile('just words\n')])
    expect(none.stdout).toMatch(/^No variables in .*\.env\.\nline 1: no `=`; skipped\n$/)
  })

  it('a binary, non-UTF-8, missing or unreadable file is one line, exit 1, and changes nothing', async () => {
    const dataDir = await seeded()
    const before = snapshot(dataDir)
    const binary = envFile(Buffer.concat([Buffer.from(`NEW_ONE=${V.fresh}\n`), Buffer.from([0, 1, 2, 0xff])]))
    expect(expectOneLineError(await run(dataDir, ['import-env', binary, '--overwrite']), 1)).toMatch(
      /not a text \.env file.*nothing was imported/
    )
    const latin1 = envFile(Buffer.from(`NEW_ONE=caf\xe9\n`, 'latin1'))
    expect(expectOneLineError(await run(dataDir, ['import-env', latin1]), 1)).toMatch(/not valid UTF-8/)
    expect(expectOneLineError(await run(dataDir, ['import-env', join(root, 'missing.env')]), 1)).toMatch(
      /Cannot read .*missing\.env: no such file; nothing was imported/
    )
    expect(expectOneLineError(await run(dataDir, ['import-env', root]), 1)).toMatch(/it is a directory/)
    expect(snapshot(dataDir)).toEqual(before)
  })

  it('bad usage is exit 2: both conflict flags, a bad --type, no file', async () => {
    const dataDir = await seeded()
    const before = snapshot(dataDir)
    const file = envFile(PREVIEW_FILE)
    expect(
      expectOneLineError(await run(dataDir, ['import-env', file, '--overwrite', '--skip-existing']), 2)
    ).toMatch(/'--overwrite' cannot be used with option '--skip-existing'/)
    expect(expectOneLineError(await run(dataDir, ['import-env', file, '--type', 'Secret']), 2)).toMatch(
      /Credential or Generic/
    )
    expect(expectOneLineError(await run(dataDir, ['import-env']), 2)).toMatch(/missing required argument/)
    expect(snapshot(dataDir)).toEqual(before)
  })

  it('an empty file imports nothing and says so', async () => {
    const dataDir = await seeded()
    expect(await ok(dataDir, ['import-env', envFile('# nothing here\n')])).toMatch(
      /^No variables in .*\.env\.\n$/
    )
  })

  it('after all that, no file in any data dir holds a value', () => {
    expect(dataDirs.length).toBeGreaterThan(5)
    for (const dataDir of dataDirs) expectNoFileHolds(dataDir, [...Object.values(V), ...V.multi.split('\n')])
  })
})
