import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'dotenv'
import { describe, expect, it } from 'vitest'
import { Conflict, Invalid } from '../../src/main/base/errors'
import { readEnvFile } from '../../src/main/variables/dotenv-file'
import { applyEnvImport, previewEnvImport } from '../../src/main/variables/dotenv-import'
import { VariableService } from '../../src/main/variables/service'
import { fixture, storeBytes } from './setup'
import { caught } from '../helpers/errors'
import { TEST_STORE, testStore } from '../helpers/core'

const fixtures = join(import.meta.dirname, '../fixtures/dotenv')

interface Expected {
  line: number
  value?: string
  invalid?: RegExp
  duplicateLines?: number[]
}

/** Each text, what we expect dotenv to read from it, and on which line each name is set. */
const CASES: [string, string, Record<string, Expected>][] = [
  ['single quotes keep # and spaces', "A='  x # y  '\n", { A: { line: 1, value: '  x # y  ' } }],
  ['\\n in double quotes is a line break', 'A="one\\ntwo"\n', { A: { line: 1, value: 'one\ntwo' } }],
  [
    '\\n elsewhere stays as typed',
    "A='one\\ntwo'\nB=x\\ny\n",
    {
      A: { line: 1, value: 'one\\ntwo' },
      B: { line: 2, value: 'x\\ny' }
    }
  ],
  ['backticks hold both other quotes', 'A=`it\'s "x"`\n', { A: { line: 1, value: 'it\'s "x"' } }],
  [
    'a multi-line value with a look-alike key inside',
    'A="l1\nFAKE=2\nl3"\nB=b\n',
    { A: { line: 1, value: 'l1\nFAKE=2\nl3' }, B: { line: 4, value: 'b' } }
  ],
  [
    'a multi-line single-quoted value',
    "X=1\nA='x\n  y'\nB=2\n",
    {
      X: { line: 1, value: '1' },
      A: { line: 2, value: 'x\n  y' },
      B: { line: 4, value: '2' }
    }
  ],
  [
    'export prefixes',
    'export A=1\n  export   B=2\nexport=3\n',
    {
      A: { line: 1, value: '1' },
      B: { line: 2, value: '2' },
      export: { line: 3, value: '3' }
    }
  ],
  [
    'inline and full-line comments',
    '# C=3\nA=va # comment\n  # D=4\nB="q" # c\nE=x#y\n',
    { A: { line: 2, value: 'va' }, B: { line: 4, value: 'q' }, E: { line: 5, value: 'x' } }
  ],
  [
    'empty values',
    'A=\nB=""\nC=\'\'\nD=ok\nE=#only a comment\n',
    {
      A: { line: 1, invalid: /empty value/ },
      B: { line: 2, invalid: /empty value/ },
      C: { line: 3, invalid: /empty value/ },
      D: { line: 4, value: 'ok' },
      E: { line: 5, invalid: /empty value/ }
    }
  ],
  [
    'duplicate keys: the last one wins',
    'A=1\nB=x\nA=2\nA=3\n',
    {
      B: { line: 2, value: 'x' },
      A: { line: 4, value: '3', duplicateLines: [1, 3] }
    }
  ],
  [
    'CRLF line endings',
    'A=1\r\nB="x\r\ny"\r\nC=3\r\n',
    {
      A: { line: 1, value: '1' },
      B: { line: 2, value: 'x\ny' },
      C: { line: 4, value: '3' }
    }
  ],
  ['old Mac CR line endings', 'A=1\rB=2\r', { A: { line: 1, value: '1' }, B: { line: 2, value: '2' } }],
  ['a byte order mark', '\uFEFFA=1\nB=2\n', { A: { line: 1, value: '1' }, B: { line: 2, value: '2' } }],
  [
    'invalid names',
    '1A=x\nmy-key=y\na.b=z\nOK=1\n',
    {
      '1A': { line: 1, invalid: /invalid name/ },
      'my-key': { line: 2, invalid: /invalid name/ },
      'a.b': { line: 3, invalid: /invalid name/ },
      OK: { line: 4, value: '1' }
    }
  ],
  [
    'spaces around = and the colon form',
    'A = spaced out  \nB: colon\n',
    {
      A: { line: 1, value: 'spaced out' },
      B: { line: 2, value: 'colon' }
    }
  ],
  [
    'an unterminated quote is read as text',
    'A="open\nB=2\n',
    {
      A: { line: 1, value: '"open' },
      B: { line: 2, value: '2' }
    }
  ],
  ['escaped quotes stay escaped', 'A="say \\"hi\\""\n', { A: { line: 1, value: 'say \\"hi\\"' } }],
  [
    'unicode',
    "A=héllo wörld 😀\n\n\n  B='日本'\n",
    { A: { line: 1, value: 'héllo wörld 😀' }, B: { line: 4, value: '日本' } }
  ],
  ['lines dotenv ignores', 'just words\nA=1\n=nokey\n', { A: { line: 2, value: '1' } }]
]

describe('reading a .env file', () => {
  it.each(CASES)('%s: values are exactly what dotenv.parse reads, with lines', (_title, text, expected) => {
    const dotenv = parse(text)
    const entries = readEnvFile(text)
    expect(entries.map((e) => e.name).sort()).toEqual(Object.keys(expected).sort())
    expect(Object.keys(dotenv).sort()).toEqual(Object.keys(expected).sort())
    for (const entry of entries) {
      const want = expected[entry.name] as Expected
      expect(entry.line, entry.name).toBe(want.line)
      expect(entry.duplicateLines).toEqual(want.duplicateLines ?? [])
      expect(entry.value).toBe(dotenv[entry.name])
      if (want.value !== undefined) expect(entry.value).toBe(want.value)
      if (want.invalid) expect(entry.invalid).toMatch(want.invalid)
      else expect(entry.invalid).toBeUndefined()
    }
  })

  it('reads bytes: drops a UTF-8 BOM and refuses binary or non-UTF-8 files', () => {
    const windows = readFileSync(join(fixtures, 'windows.env'))
    expect(readEnvFile(windows).map((e) => [e.name, e.line, e.value])).toEqual([
      ['FIRST', 1, 'one'],
      ['SECOND', 2, 'two\nlines'],
      ['THIRD', 4, 'three']
    ])
    for (const [file, reason] of [
      ['binary.env', /contains NUL bytes/],
      ['latin1.env', /not valid UTF-8/]
    ] as const) {
      let error: unknown
      try {
        readEnvFile(readFileSync(join(fixtures, file)))
      } catch (err) {
        error = err
      }
      expect(error).toBeInstanceOf(Invalid)
      expect((error as Error).message).toMatch(reason)
      expect((error as Error).message).not.toMatch(/\n/)
    }
    expect(() => readEnvFile('A=1\u0000\n')).toThrow(Invalid)
  })
})

describe('importing a .env file', () => {
  it.each(CASES)('%s: preview then import stores what dotenv reads', async (_title, text, expected) => {
    const { service, alice, writes } = await fixture()
    const dotenv = parse(text)
    const preview = await previewEnvImport(service, alice, text)
    for (const entry of preview.entries) {
      const want = expected[entry.name] as Expected
      expect(entry.status).toBe(want.invalid ? 'invalid' : 'new')
      expect(entry.line).toBe(want.line)
    }
    const valid = Object.keys(expected).filter((name) => !expected[name]?.invalid)
    const result = await applyEnvImport(service, alice, text)
    expect(result.created.sort()).toEqual(valid.sort())
    expect(result.invalid.map((e) => e.name).sort()).toEqual(
      Object.keys(expected)
        .filter((name) => expected[name]?.invalid)
        .sort()
    )
    for (const name of valid) expect((await service.get(alice, name)).value).toBe(dotenv[name])
    expect((await service.list(alice)).map((v) => v.name).sort()).toEqual(valid.sort())
    if (TEST_STORE === 'file') expect(writes()).toBe(valid.length > 0 ? 1 : 0)
  })

  it('imports a typical Langflow .env: values as dotenv reads them, providers get default_fields', async () => {
    const { service, alice } = await fixture()
    const bytes = readFileSync(join(fixtures, 'langflow.env'))
    const dotenv = parse(bytes)
    const preview = await previewEnvImport(service, alice, bytes)
    expect(preview.counts).toEqual({ new: 9, changed: 0, unchanged: 0, invalid: 3, duplicates: 1 })
    expect(preview.entries.find((e) => e.name === 'OPENAI_API_KEY')).toMatchObject({
      line: 17,
      duplicateLines: [2],
      status: 'new',
      type: 'Credential',
      default_fields: ['OpenAI', 'api_key']
    })
    expect(preview.entries.filter((e) => e.status === 'invalid').map((e) => [e.name, e.line])).toEqual([
      ['EMPTY_ONE', 14],
      ['1INVALID', 15],
      ['my-dashed', 16]
    ])
    const result = await applyEnvImport(service, alice, bytes)
    expect(result.created).toHaveLength(9)
    for (const name of result.created) expect((await service.get(alice, name)).value).toBe(dotenv[name])
    expect((await service.get(alice, 'LANGFLOW_PRIVATE_PEM')).value).toBe(
      '-----BEGIN KEY-----\nline-one\nline-two\n-----END KEY-----'
    )
    expect((await service.get(alice, 'OPENAI_API_KEY')).value).toBe('sk-proj-fixture-openai-final')
  })

  it('never puts a value in the preview, the result or an error', async () => {
    const { service, alice } = await fixture()
    await service.create(alice, { name: 'A', value: 'old-secret-value' })
    const text = 'A=new-secret-value\nB=other-secret-value\nC=\n9X=bad-secret-value\n'
    const shown = JSON.stringify(await previewEnvImport(service, alice, text))
    const err = await caught(() => applyEnvImport(service, alice, text))
    const result = JSON.stringify(await applyEnvImport(service, alice, text, { mode: 'overwrite' }))
    for (const secret of ['old-secret-value', 'new-secret-value', 'other-secret-value', 'bad-secret-value']) {
      expect(shown).not.toContain(secret)
      expect(result).not.toContain(secret)
      expect(err.message).not.toContain(secret)
      expect(JSON.stringify(err.detail)).not.toContain(secret)
    }
  })

  it('sorts existing names into changed and unchanged, and refuses conflicts without a choice', async () => {
    const { dir, service, alice, writes } = await fixture()
    await service.create(alice, { name: 'SAME', value: 's', type: 'Generic' })
    await service.create(alice, { name: 'DIFF1', value: 'old1' })
    await service.create(alice, { name: 'DIFF2', value: 'old2' })
    const text = 'SAME=s\nDIFF1=new1\nDIFF2=new2\nNEW=n\n'
    const preview = await previewEnvImport(service, alice, text)
    expect(preview.entries.map((e) => [e.name, e.status])).toEqual([
      ['SAME', 'unchanged'],
      ['DIFF1', 'changed'],
      ['DIFF2', 'changed'],
      ['NEW', 'new']
    ])
    expect(preview.conflicts).toEqual(['DIFF1', 'DIFF2'])
    expect(preview.entries[0]?.type).toBe('Generic')

    const before = TEST_STORE === 'file' ? storeBytes(dir) : null
    const writesBefore = writes()
    const err = await caught(() => applyEnvImport(service, alice, text))
    expect(err).toBeInstanceOf(Conflict)
    expect(err.message).toBe(
      '2 variables already exist with a different value: DIFF1, DIFF2. Choose to overwrite or skip them; nothing was imported.'
    )
    expect(err.detail).toEqual({ conflicts: ['DIFF1', 'DIFF2'] })
    if (TEST_STORE === 'file') expect(storeBytes(dir)).toEqual(before)
    if (TEST_STORE === 'file') expect(writes()).toBe(writesBefore)
    expect(await service.find(alice, 'NEW')).toBeNull()
  })

  it('overwrites, skips, or follows a choice per conflict', async () => {
    const setup = async () => {
      const f = await fixture()
      await f.service.create(f.alice, { name: 'A', value: 'oldA', default_fields: ['keep'] })
      await f.service.create(f.alice, { name: 'B', value: 'oldB' })
      return f
    }
    const text = 'A=newA\nB=newB\nC=newC\n'

    const over = await setup()
    const overwritten = await applyEnvImport(over.service, over.alice, text, { mode: 'overwrite' })
    expect(overwritten).toMatchObject({ created: ['C'], updated: ['A', 'B'], skipped: [] })
    expect((await over.service.get(over.alice, 'A')).value).toBe('newA')
    expect((await over.service.list(over.alice))[0]?.default_fields).toEqual(['keep'])

    const skip = await setup()
    const skipped = await applyEnvImport(skip.service, skip.alice, text, { mode: 'skip-existing' })
    expect(skipped).toMatchObject({ created: ['C'], updated: [], skipped: ['A', 'B'] })
    expect((await skip.service.get(skip.alice, 'A')).value).toBe('oldA')

    const choose = await setup()
    const chosen = await applyEnvImport(choose.service, choose.alice, text, {
      mode: 'skip-existing',
      choices: { A: 'overwrite' }
    })
    expect(chosen).toMatchObject({ created: ['C'], updated: ['A'], skipped: ['B'] })
    expect((await choose.service.get(choose.alice, 'A')).value).toBe('newA')
    expect((await choose.service.get(choose.alice, 'B')).value).toBe('oldB')

    const partial = await setup()
    const err = await caught(() =>
      applyEnvImport(partial.service, partial.alice, text, { choices: { A: 'skip' } })
    )
    expect(err.message).toMatch(/^1 variable already exists with a different value: B\./)
  })

  it('creates Generic variables on request, and makes overwritten variables app-set', async () => {
    const { store, service, alice } = await fixture()
    await service.importFromEnvironment(alice, { OPENAI_API_KEY: 'env' }, ['OPENAI_API_KEY'])
    await applyEnvImport(service, alice, 'OPENAI_API_KEY=file\nMODEL=gpt\n', {
      type: 'Generic',
      mode: 'overwrite'
    })
    expect((await service.list(alice)).map((v) => [v.name, v.type, v.value])).toEqual([
      ['OPENAI_API_KEY', 'Generic', 'file'],
      ['MODEL', 'Generic', 'gpt']
    ])
    expect((await store.exportAll()).variables.map((v) => v.source)).toEqual(['app', 'app'])
    // App-set now: the environment no longer replaces it.
    await service.importFromEnvironment(alice, { OPENAI_API_KEY: 'env2' }, ['OPENAI_API_KEY'])
    expect((await service.get(alice, 'OPENAI_API_KEY')).value).toBe('file')
  })

  it('decides against the store as it is when importing, not as it was at the preview', async () => {
    const { dir, vault, service, alice } = await fixture()
    const text = 'RACY=from-file\n'
    expect((await previewEnvImport(service, alice, text)).entries[0]?.status).toBe('new')
    // Another process creates the name between the preview and the import.
    await new VariableService(await testStore(dir), vault).create(alice, {
      name: 'RACY',
      value: 'from-elsewhere'
    })
    const err = await caught(() => applyEnvImport(service, alice, text))
    expect(err).toBeInstanceOf(Conflict)
    expect((await service.get(alice, 'RACY')).value).toBe('from-elsewhere')
  })

  it('changes nothing for a file that cannot be read, and writes nothing when nothing changes', async () => {
    const { dir, service, alice, writes } = await fixture()
    await service.create(alice, { name: 'A', value: '1' })
    const before = TEST_STORE === 'file' ? storeBytes(dir) : null
    const writesBefore = writes()
    for (const file of ['binary.env', 'latin1.env']) {
      const err = await caught(() => applyEnvImport(service, alice, readFileSync(join(fixtures, file))))
      expect(err).toBeInstanceOf(Invalid)
      await expect(previewEnvImport(service, alice, readFileSync(join(fixtures, file)))).rejects.toThrow(
        Invalid
      )
    }
    const unchanged = await applyEnvImport(service, alice, 'A=1\nB=\n')
    expect(unchanged).toMatchObject({ created: [], updated: [], unchanged: ['A'] })
    expect(unchanged.invalid.map((e) => e.name)).toEqual(['B'])
    if (TEST_STORE === 'file') expect(storeBytes(dir)).toEqual(before)
    if (TEST_STORE === 'file') expect(writes()).toBe(writesBefore)
  })

  it('imports 10,000 entries in one write', async () => {
    const { store, service, alice, writes } = await fixture()
    const lines: string[] = []
    for (let i = 0; i < 10_000; i++) {
      lines.push(i % 3 === 0 ? `VAR_${i}="value ${i}\\nsecond line"` : `export VAR_${i}=value-${i}`)
    }
    const text = lines.join('\n') + '\n'
    const preview = await previewEnvImport(service, alice, text)
    expect(preview.counts.new).toBe(10_000)
    expect(preview.entries[9_999]).toMatchObject({ name: 'VAR_9999', line: 10_000 })
    const result = await applyEnvImport(service, alice, text)
    expect(result.created).toHaveLength(10_000)
    if (TEST_STORE === 'file') expect(writes()).toBe(1)
    expect(await store.variablesOf(alice)).toHaveLength(10_000)
    const dotenv = parse(text)
    for (const i of [0, 1, 2, 3, 4_999, 9_998, 9_999]) {
      expect((await service.get(alice, `VAR_${i}`)).value).toBe(dotenv[`VAR_${i}`])
    }
    expect((await service.get(alice, 'VAR_9999')).value).toBe('value 9999\nsecond line')
  })

  it('imports for the given user only', async () => {
    const { service, alice, bob } = await fixture()
    await service.create(bob, { name: 'A', value: 'bobs' })
    const result = await applyEnvImport(service, alice, 'A=alices\n')
    expect(result.created).toEqual(['A'])
    expect((await service.get(bob, 'A')).value).toBe('bobs')
  })
})
