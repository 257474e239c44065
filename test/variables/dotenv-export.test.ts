import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'dotenv'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BadRequest, Conflict, NotFound } from '../../src/main/base/errors'
import { exportEnv, formatEnvFile, formatEnvLine, writeEnvFile } from '../../src/main/variables/dotenv-export'
import { applyEnvImport } from '../../src/main/variables/dotenv-import'
import { fixture, freshDir } from './setup'
import { caught } from '../helpers/errors'

/** Strings rich in what trips .env writers: quotes, line breaks, #, $, backslashes, edge spaces, escapes. */
const tricky = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '\n',
        '\r',
        '\r\n',
        '"',
        "'",
        '`',
        '#',
        ' #',
        '$',
        '${HOME}',
        '\\',
        '\\n',
        '\\r',
        "\\'",
        ' ',
        '\t',
        '=',
        ':',
        'export ',
        'A=',
        '\u2028',
        '\u00a0',
        '\uFEFF',
        'é',
        '😀'
      ),
      fc.string({ maxLength: 5 }),
      fc.string({ unit: 'binary', maxLength: 5 })
    ),
    { maxLength: 10 }
  )
  .map((parts) => parts.join(''))

/** A value dotenv cannot express needs both a `"`-blocker and a blocker for the other two quote kinds. */
function mayBeInexpressible(value: string): boolean {
  const noDouble = value.includes('"') || /\\[nr]/.test(value)
  const noOthers = value.includes('\r') || (value.includes("'") && value.includes('`'))
  return noDouble && noOthers
}

describe('writing .env text', () => {
  it('writes every value so that dotenv reads it back unchanged (property)', () => {
    let refused = 0
    fc.assert(
      fc.property(fc.array(tricky, { minLength: 1, maxLength: 8 }), (values) => {
        const pairs = values.map((value, i) => ({ name: `VAR_${i}`, value }))
        let text: string
        try {
          text = formatEnvFile(pairs)
        } catch (err) {
          refused++
          expect(err).toBeInstanceOf(BadRequest)
          const inexpressible = pairs.filter((p) => formatEnvLine(p.name, p.value) === null)
          expect(inexpressible.length).toBeGreaterThan(0)
          for (const p of inexpressible) {
            expect(mayBeInexpressible(p.value)).toBe(true)
            expect((err as Error).message).toContain(p.name)
          }
          return
        }
        const back = parse(text)
        expect(Object.keys(back).sort()).toEqual(pairs.map((p) => p.name).sort())
        for (const p of pairs) expect(back[p.name]).toBe(p.value)
      }),
      { numRuns: 3000 }
    )
    // The property must mostly exercise successful writes.
    expect(refused).toBeLessThan(600)
  })

  it('keeps each value on its own lines, whatever its neighbours (property, special characters only)', () => {
    const specials = fc
      .array(
        fc.constantFrom('\n', '\r', '"', "'", '`', '#', ' ', '\\', '\\n', '\u2028', '\u2029', 'a', '='),
        {
          maxLength: 6
        }
      )
      .map((parts) => parts.join(''))
    fc.assert(
      fc.property(fc.array(specials, { minLength: 2, maxLength: 6 }), (values) => {
        const pairs = values.map((value, i) => ({ name: `V${i}`, value }))
        const writable = pairs.filter((p) => formatEnvLine(p.name, p.value) !== null)
        const back = parse(formatEnvFile(writable))
        for (const p of writable) expect(back[p.name]).toBe(p.value)
      }),
      { numRuns: 3000 }
    )
  })

  it.each([
    ['plain', 'sk-proj-abc123', 'K=sk-proj-abc123'],
    ['spaces and #', ' a # b ', "K=' a # b '"],
    ['a line break', 'one\ntwo', 'K="one\\ntwo"'],
    ['a CR', 'one\rtwo', 'K="one\\rtwo"'],
    ['a single quote', "it's", 'K="it\'s"'],
    ['a literal \\n and a line break', 'C:\\new\nline', "K='C:\\new\nline'"],
    ['all quotes, one line', `a'b"c\`d`, `K=a'b"c\`d`],
    ['quotes and a line break', `it's "x"\nend`, 'K=`it\'s "x"\nend`'],
    [
      'all quotes and a line break (a form only dotenv reads)',
      `it's "x" \`y\`\nend`,
      `K="it's "x" \`y\`\\nend"`
    ]
  ])('writes %s readably', (_what, value, line) => {
    expect(formatEnvLine('K', value)).toBe(line)
    expect(parse(`${line}\n`).K).toBe(value)
  })

  it('keeps a value ending in a backslash from swallowing the next lines', () => {
    const pairs = [
      { name: 'A', value: 'C:\\dir\\ has spaces\\' },
      { name: 'B', value: "\nit'd start with a line break'" },
      { name: 'C', value: 'x\\' }
    ]
    const back = parse(formatEnvFile(pairs))
    for (const p of pairs) expect(back[p.name]).toBe(p.value)
  })

  it('refuses, by name and without the value, what dotenv cannot read back', async () => {
    const err = await caught(() =>
      formatEnvFile([
        { name: 'OK', value: 'fine' },
        { name: 'ALL_QUOTES', value: `secret'"\`#\nvalue` },
        { name: 'my var', value: 'secret-two' }
      ])
    )
    expect(err).toBeInstanceOf(BadRequest)
    expect(err.message).toContain('ALL_QUOTES')
    expect(err.message).toContain('my var (not a valid .env name)')
    expect(err.message).not.toContain('secret')
  })
})

describe('exporting variables', () => {
  const values: Record<string, string> = {
    OPENAI_API_KEY: 'sk-proj-Ab3',
    PEM: '-----BEGIN-----\nabc\n-----END-----\n',
    QUOTED: `say "hi" it's #1 $HOME \\n`,
    SPACES: '  padded  ',
    UNICODE: 'пароль 😀'
  }

  it("exports the user's variables so that importing the file brings back the same values", async () => {
    const { service, alice, bob } = await fixture()
    for (const [name, value] of Object.entries(values)) {
      await service.create(alice, { name, value, type: name === 'UNICODE' ? 'Generic' : null })
    }
    await service.create(alice, { name: '__internal__', value: 'hidden' })
    const { text, skipped } = await exportEnv(service, alice)
    expect(skipped).toEqual([])
    expect(text.startsWith('# Exported by FlowKeys')).toBe(true)
    expect(Object.keys(parse(text))).toEqual(Object.keys(values).sort())
    const result = await applyEnvImport(service, bob, text)
    expect(result.created.sort()).toEqual(Object.keys(values).sort())
    for (const [name, value] of Object.entries(values))
      expect((await service.get(bob, name)).value).toBe(value)
    // Importing it back over the same user changes nothing.
    const again = await applyEnvImport(service, alice, text)
    expect(again.unchanged.sort()).toEqual(Object.keys(values).sort())
  })

  it('exports exactly the names asked for, hidden ones included, and refuses unknown names', async () => {
    const { service, alice } = await fixture()
    await service.create(alice, { name: 'A', value: 'a' })
    await service.create(alice, { name: '__internal__', value: 'i' })
    expect(parse((await exportEnv(service, alice, ['__internal__', 'A'])).text)).toEqual({
      __internal__: 'i',
      A: 'a'
    })
    const err = await caught(() => exportEnv(service, alice, ['A', 'MISSING']))
    expect(err).toBeInstanceOf(NotFound)
    expect(err.message).toBe('MISSING variable not found.')
  })

  it('leaves out, and names, a variable a .env file cannot hold; refuses it when asked for by name', async () => {
    const { service, alice } = await fixture()
    await service.create(alice, { name: 'OPENAI_API_KEY', value: 'sk-1' })
    await service.create(alice, { name: 'openai model', value: 'gpt-4o', type: 'Generic' })
    const { text, skipped } = await exportEnv(service, alice)
    expect(parse(text)).toEqual({ OPENAI_API_KEY: 'sk-1' })
    expect(skipped).toEqual(['openai model'])
    const err = await caught(() => exportEnv(service, alice, ['openai model']))
    expect(err).toBeInstanceOf(BadRequest)
    expect(err.message).toBe('Cannot export to a .env file: openai model (not a valid .env name)')
  })

  it('writes the file 0600 and replaces an existing file only when forced', async () => {
    const dir = freshDir()
    mkdirSync(dir, { recursive: true })
    const file = join(dir, 'out.env')
    writeEnvFile(file, 'A=1\n')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const err = await caught(() => writeEnvFile(file, 'A=2\n'))
    expect(err).toBeInstanceOf(Conflict)
    expect(readFileSync(file, 'utf8')).toBe('A=1\n')
    writeFileSync(join(dir, 'loose.env'), 'x', { mode: 0o644 })
    writeEnvFile(join(dir, 'loose.env'), 'A=2\n', { force: true })
    expect(readFileSync(join(dir, 'loose.env'), 'utf8')).toBe('A=2\n')
    expect(statSync(join(dir, 'loose.env')).mode & 0o777).toBe(0o600)
    expect(existsSync(join(dir, 'nothing.env'))).toBe(false)
  })
})
