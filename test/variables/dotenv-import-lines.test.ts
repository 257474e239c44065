// Issue 22: what the .env import used to hide. Lines dotenv reads as nothing are reported (by number, never by
// content), each line gets a type guessed from its name (or chosen per name), and duplicates stay visible.
import { parse } from 'dotenv'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseEnvFile, readEnvFile } from '../../src/main/variables/dotenv-file'
import { applyEnvImport, previewEnvImport } from '../../src/main/variables/dotenv-import'
import { guessVariableType } from '../../src/main/variables/type-guess'
import { fixture } from './setup'

/** Each text and the lines dotenv skips in it, with why. */
const SKIPPED: [string, string, [number, string][]][] = [
  ['nothing to skip', 'A=1\n# comment\n\n  \nB="x"\n', []],
  // Found by the property below (seed 711878200): the key, its `=` and a quoted value on lines of their own.
  ['a key, a lone `=` and a quoted value on the lines after it', '.\n=\n"\n"\n', []],
  [
    'a line without `=`, a line without a name, a name with a space',
    'A=1\njust words\n=nokey\nmy key=v\nB=2\n',
    [
      [2, 'no `=`'],
      [3, 'no name before `=`'],
      [4, 'not a NAME=value line']
    ]
  ],
  [
    'lines inside multi-line values are read, also look-alikes and lines without `=`',
    'A="l1\nFAKE=2\nno equals here\n"\nB=\'x\n  y\'\nstray\n',
    [[7, 'no `=`']]
  ],
  ['inside the value of an overridden duplicate', 'A="first\nno equals\n"\nA=2\n', []],
  [
    'values that start on the next line, and `=` on the line after the key',
    'A=\n"quoted"\nB:\nvalue\nK\n\n=v\nexport\nE=1\n',
    []
  ],
  ['an empty assignment does not read the next line', 'C=\njunk\n', [[2, 'no `=`']]],
  // Found by the property below (seed 1762844986): an empty quoted value on the line after `KEY:` or `KEY=`.
  ['an empty quoted value on the next line', "E:\n''\nD=\n\"\" # c\nF:\n''''\n", []],
  [
    'CRLF and CR line endings',
    'A=1\r\nstray\r\nB=2\rother\r',
    [
      [2, 'no `=`'],
      [4, 'no `=`']
    ]
  ],
  ['an unterminated quote is read as text, the next line too', 'A="open\nB=2\nloose\n', [[3, 'no `=`']]],
  ['a comment after blanks and a line of only `=`', '   # c\n=\n', [[2, 'no name before `=`']]]
]

describe('lines dotenv skips', () => {
  it.each(SKIPPED)('%s', (_title, text, expected) => {
    const file = parseEnvFile(text)
    expect(file.skippedLines.map((s) => [s.line, s.reason])).toEqual(expected)
    // The entries are what readEnvFile always read.
    expect(file.entries).toEqual(readEnvFile(text))
  })

  it('never carries the content of a skipped line', () => {
    const file = parseEnvFile('A=1\nsk-proj-SECRET-pasted-without-a-name\n')
    expect(file.skippedLines).toEqual([{ line: 2, reason: 'no `=`' }])
    expect(JSON.stringify(file.skippedLines)).not.toContain('SECRET')
  })

  // Blanking a skipped line is no oracle: in `C='p` / `'a` / `'` the skipped `'a` is what stops dotenv from
  // closing the quote. Letters added at its end change nothing dotenv reads, unless it reads that line.
  it('a line reported as skipped really is: letters added to it change nothing dotenv reads', () => {
    const line = fc.oneof(
      fc.constantFrom('A=1', 'B="x', 'y"', "C='p", "q'", 'D=', 'E:', 'F', '=v', 'export', '# c', '', 'words'),
      fc.stringMatching(/^[A-Za-z_=:'"` #.-]{0,12}$/)
    )
    let reported = 0
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const text = lines.join('\n') + '\n'
        const before = parse(text)
        for (const { line: n } of parseEnvFile(text).skippedLines) {
          reported++
          const changed = lines.map((l, i) => (i === n - 1 ? `${l}Zq` : l)).join('\n') + '\n'
          expect(parse(changed), `line ${n} of ${JSON.stringify(text)}`).toEqual(before)
        }
      }),
      { numRuns: 500 }
    )
    expect(reported).toBeGreaterThan(0)
  })
})

describe('the type guessed from a name', () => {
  it.each([
    ['OPENAI_API_KEY', 'Credential'],
    ['WATSONX_APIKEY', 'Credential'],
    ['GITHUB_TOKEN', 'Credential'],
    ['ASTRA_DB_APPLICATION_TOKEN', 'Credential'],
    ['CLIENT_SECRET', 'Credential'],
    ['AWS_SECRET_ACCESS_KEY', 'Credential'],
    ['AWS_ACCESS_KEY_ID', 'Credential'],
    ['LANGFLOW_SUPERUSER_PASSWORD', 'Credential'],
    ['DB_PASS', 'Credential'],
    ['SMTP_PWD', 'Credential'],
    ['GOOGLE_CREDENTIALS', 'Credential'],
    ['LANGFLOW_DATABASE_URL', 'Credential'],
    ['LANGFLOW_PRIVATE_PEM', 'Credential'],
    ['openai_api_key', 'Credential'],
    ['ASTRA_DB_API_ENDPOINT', 'Generic'],
    ['LANGFLOW_PORT', 'Generic'],
    ['OPENAI_MAX_TOKENS', 'Generic'],
    ['OPENAI_MODEL', 'Generic'],
    ['KEYBOARD_LAYOUT', 'Generic'],
    ['MONKEY', 'Generic'],
    ['OLLAMA_BASE_URL', 'Generic']
  ] as const)('%s: %s', (name, type) => {
    expect(guessVariableType(name)).toBe(type)
  })
})

describe('importing with a type per line', () => {
  const text = [
    'OPENAI_API_KEY=sk-one', // 1
    'ASTRA_DB_API_ENDPOINT=https://db.example', // 2
    'pasted-without-equals', // 3
    'LANGFLOW_PORT=7860', // 4
    'STORED=new-value', // 5
    'OPENAI_API_KEY=sk-two', // 6
    ''
  ].join('\n')

  it('guesses each new line, keeps the stored type of a conflict, and reports duplicates and skipped lines', async () => {
    const { service, alice } = await fixture()
    await service.create(alice, { name: 'STORED', value: 'old-value', type: 'Generic' })
    const preview = await previewEnvImport(service, alice, text)
    expect(preview.entries.map((e) => [e.name, e.line, e.status, e.type, e.duplicateLines])).toEqual([
      ['ASTRA_DB_API_ENDPOINT', 2, 'new', 'Generic', []],
      ['LANGFLOW_PORT', 4, 'new', 'Generic', []],
      ['STORED', 5, 'changed', 'Generic', []],
      ['OPENAI_API_KEY', 6, 'new', 'Credential', [1]]
    ])
    expect(preview.skippedLines).toEqual([{ line: 3, reason: 'no `=`' }])

    const result = await applyEnvImport(service, alice, text, { mode: 'overwrite' })
    expect(result.skippedLines).toEqual([{ line: 3, reason: 'no `=`' }])
    expect((await service.list(alice)).map((v) => [v.name, v.type]).sort()).toEqual([
      ['ASTRA_DB_API_ENDPOINT', 'Generic'],
      ['LANGFLOW_PORT', 'Generic'],
      ['OPENAI_API_KEY', 'Credential'],
      ['STORED', 'Generic']
    ])
    expect((await service.get(alice, 'OPENAI_API_KEY')).value).toBe('sk-two')
  })

  it('a type per name wins over the guess and over one type for all; one type for all still forces', async () => {
    const chosen = await fixture()
    await chosen.service.create(chosen.alice, { name: 'STORED', value: 'old-value', type: 'Generic' })
    const types = { LANGFLOW_PORT: 'Credential', OPENAI_API_KEY: 'Generic', STORED: 'Credential' } as const
    const preview = await previewEnvImport(chosen.service, chosen.alice, text, { types })
    expect(preview.entries.map((e) => [e.name, e.type])).toEqual([
      ['ASTRA_DB_API_ENDPOINT', 'Generic'],
      ['LANGFLOW_PORT', 'Credential'],
      ['STORED', 'Credential'],
      ['OPENAI_API_KEY', 'Generic']
    ])
    await applyEnvImport(chosen.service, chosen.alice, text, { types, mode: 'overwrite' })
    expect((await chosen.service.list(chosen.alice)).map((v) => [v.name, v.type]).sort()).toEqual([
      ['ASTRA_DB_API_ENDPOINT', 'Generic'],
      ['LANGFLOW_PORT', 'Credential'],
      ['OPENAI_API_KEY', 'Generic'],
      ['STORED', 'Credential']
    ])

    const forced = await fixture()
    await applyEnvImport(forced.service, forced.alice, text, {
      type: 'Credential',
      types: { LANGFLOW_PORT: 'Generic' }
    })
    expect((await forced.service.list(forced.alice)).map((v) => [v.name, v.type]).sort()).toEqual([
      ['ASTRA_DB_API_ENDPOINT', 'Credential'],
      ['LANGFLOW_PORT', 'Generic'],
      ['OPENAI_API_KEY', 'Credential'],
      ['STORED', 'Credential']
    ])
  })
})
