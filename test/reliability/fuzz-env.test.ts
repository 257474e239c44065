import { randomUUID } from 'node:crypto'
import { parse } from 'dotenv'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isFlowKeysError, TooLarge } from '../../src/main/base/errors'
import { MAX_ENV_FILE_BYTES } from '../../src/main/variables/dotenv-file'
import { ENV_NAME_PATTERN } from '../../src/shared/env-name'
import {
  applyEnvImport,
  previewEnvImport,
  type EnvImportOptions
} from '../../src/main/variables/dotenv-import'
import { testCore } from '../helpers/core'
import { storeState } from './helpers'

const RUNS = 200

/** Names that collide across runs and with the variables stored before each run (conflicts). */
const POOL = ['OPENAI_API_KEY', 'A', 'B_2', '_X', 'db.url', '1BAD', 'export', '__proto__', 'TOKEN']

/** Values that carry a recognisable marker, to prove no value leaks into a preview or an error. */
// `~` cannot occur in a name (dotenv's names are [\w.-]), so a marker seen in a preview can only be a value.
const secretValue = fc.stringMatching(/^[A-Za-z0-9+/_-]{2,30}$/).map((s) => `zq~${s}`)
const anyValue = fc.oneof(
  secretValue,
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', ' ', '#', '"', "'", '`', '\\n')
)
const name = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...POOL) },
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }
)

function quoted(value: string, quote: string): string {
  return `${quote}${value}${quote}`
}

/** Lines a .env file may hold: assignments in every quoting style, comments, blanks and garbage. */
const line = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('', 'export ', '  ', '\t'),
      name,
      fc.constantFrom('=', ' = ', '=  ', ':'),
      anyValue,
      fc.constantFrom('', '"', "'", '`'),
      fc.constantFrom('', ' # comment', '   ')
    )
    .map(([pre, n, eq, v, q, post]) => `${pre}${n}${eq}${q ? quoted(v, q) : v}${post}`),
  fc.string({ maxLength: 40 }).map((s) => `# ${s}`),
  fc.constant(''),
  fc.string({ maxLength: 60 }),
  fc.tuple(name, secretValue, secretValue).map(([n, a, b]) => `${n}="${a}\n${b}"`)
)
const envText = fc
  .tuple(fc.array(line, { maxLength: 30, size: 'medium' }), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean())
  .map(([lines, eol, bom]) => (bom ? '\ufeff' : '') + lines.join(eol))

/** Any input at all: text, arbitrary Unicode, raw bytes (NUL, broken UTF-8, BOMs). */
const input = fc.oneof(
  { weight: 4, arbitrary: envText },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 2, arbitrary: envText.map((t) => new TextEncoder().encode(t) as Uint8Array) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(envText, fc.nat({ max: 200 }), fc.integer({ min: 0, max: 255 }))
      .map(([t, at, byte]) => {
        const bytes = new TextEncoder().encode(t)
        const out = new Uint8Array(bytes.length + 1)
        out.set(bytes.subarray(0, at))
        out[Math.min(at, bytes.length)] = byte
        out.set(bytes.subarray(at), Math.min(at, bytes.length) + 1)
        return out
      })
  }
)

const options: fc.Arbitrary<EnvImportOptions> = fc.record(
  {
    type: fc.constantFrom('Credential' as const, 'Generic' as const),
    mode: fc.constantFrom('overwrite' as const, 'skip-existing' as const),
    choices: fc.dictionary(fc.constantFrom(...POOL), fc.constantFrom('overwrite' as const, 'skip' as const))
  },
  { requiredKeys: [] }
)

function markers(value: string | Uint8Array): string[] {
  const text = typeof value === 'string' ? value : Buffer.from(value).toString('latin1')
  return [...text.matchAll(/zq~[A-Za-z0-9+/_-]{2,30}/g)].map((m) => m[0])
}

/** dotenv's reading of the input, the oracle for what an import stores. */
function dotenvValues(input: string | Uint8Array): Record<string, string> {
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input)
  return parse(text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n'))
}

describe('.env import under arbitrary input', { timeout: 60_000 }, () => {
  it('preview and import throw only typed errors, leak no value, and a refused import changes nothing', async () => {
    const core = await testCore()
    const userId = core.superuser().id
    // The checks below loop over what each run derived (its values, what it imported): some runs must have some.
    let runsWithValues = 0
    let imported = 0
    await fc.assert(
      fc.asyncProperty(input, options, fc.subarray(POOL), async (file, importOptions, existing) => {
        // Some of the pool's names already hold a value, so conflicts (and overwrite/skip choices) happen.
        // The store's variables become exactly these, in one write.
        await core.store.transaction(async (tx) => {
          await tx.deleteVariables((await tx.exportAll()).variables.map((v) => v.id))
          await tx.insertVariables(
            existing.map((n) => ({
              id: randomUUID(),
              user_id: userId,
              name: n,
              type: 'Credential',
              value: core.vault.encrypt(`old-${n}`),
              default_fields: [],
              source: 'app',
              created_at: new Date().toISOString(),
              updated_at: new Date().toISOString()
            }))
          )
        })
        const secrets = markers(file)
        if (secrets.length > 0) runsWithValues++
        const before = await storeState(core.dataDir)
        const unchanged = async (): Promise<boolean> => (await storeState(core.dataDir)).equals(before)

        let preview
        try {
          preview = await previewEnvImport(core.variables, userId, file, importOptions)
        } catch (err) {
          expect(isFlowKeysError(err), String(err)).toBe(true)
          for (const s of secrets) expect((err as Error).message).not.toContain(s)
        }
        expect(await unchanged()).toBe(true)
        if (preview) for (const s of secrets) expect(JSON.stringify(preview)).not.toContain(s)

        let result
        try {
          result = await applyEnvImport(core.variables, userId, file, importOptions)
        } catch (err) {
          expect(isFlowKeysError(err), String(err)).toBe(true)
          for (const s of secrets) expect((err as Error).message).not.toContain(s)
          expect(await unchanged(), 'a refused import changed the store').toBe(true)
          return
        }
        // Previewable exactly when importable: both read the file the same way.
        expect(preview).toBeDefined()
        imported += result.created.length + result.updated.length
        if (result.created.length + result.updated.length === 0) {
          expect(await unchanged()).toBe(true)
        }
        // What was stored is what dotenv reads; what was skipped or left alone kept its old value.
        const expected = dotenvValues(file)
        const stored = new Map(
          (await core.store.variablesOf(userId)).map((v) => [v.name, core.vault.decrypt(v.value)])
        )
        for (const n of [...result.created, ...result.updated]) {
          expect(ENV_NAME_PATTERN.test(n), n).toBe(true)
          expect(stored.get(n), n).toBe(expected[n])
        }
        for (const n of result.skipped) expect(stored.get(n)).toBe(`old-${n}`)
        for (const entry of result.invalid)
          expect(stored.has(entry.name) && !existing.includes(entry.name)).toBe(false)
      }),
      { numRuns: RUNS }
    )
    expect(runsWithValues).toBeGreaterThan(0)
    expect(imported).toBeGreaterThan(0)
  })

  it('a file over the size limit is refused with TooLarge and changes nothing', async () => {
    const core = await testCore()
    const before = await storeState(core.dataDir)
    const big = new Uint8Array(MAX_ENV_FILE_BYTES + 1).fill(0x41)
    await expect(applyEnvImport(core.variables, core.superuser().id, big)).rejects.toBeInstanceOf(TooLarge)
    await expect(previewEnvImport(core.variables, core.superuser().id, big)).rejects.toBeInstanceOf(TooLarge)
    expect((await storeState(core.dataDir)).equals(before)).toBe(true)
  })
})
