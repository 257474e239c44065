import { existsSync } from 'node:fs'
import { parse } from 'dotenv'
import { BadRequest, Conflict, NotFound } from '../base/errors'
import { writeFileAtomic } from '../store/atomic-file'
import { isEnvName } from '../../shared/env-name'
import { isHiddenName, variableNotFound, type VariableContext } from './model'

export interface EnvPair {
  name: string
  value: string
}

/** Values that need no quotes: nothing dotenv, a shell or dotenv-expand would read differently. */
const PLAIN = /^[\w\-.,:/@+=%^]+$/

/**
 * Spellings of `value` that dotenv's parser might read back unchanged, most readable first: quotes that do not
 * occur in the value, then forms that only dotenv reads right. Each is checked by parsing it; the checks, not
 * this list, are what guarantees the round trip.
 */
function candidates(value: string): string[] {
  const quoted = (q: string, text = value) => `${q}${text}${q}`
  // Double quotes are the only form where dotenv turns \n and \r back into line breaks.
  const escaped = value.replace(/\r/g, '\\r').replace(/\n/g, '\\n')
  const crEscaped = value.replace(/\r/g, '\\r')
  const clean = (q: string) => !value.includes(q)
  const list: string[] = []
  if (PLAIN.test(value)) list.push(value)
  if (/[\r\n]/.test(value)) {
    if (clean('"') && !value.includes('\\')) list.push(quoted('"', escaped))
    for (const q of [`'`, '`']) if (clean(q)) list.push(quoted(q))
    list.push(quoted('"', escaped), quoted("'"), quoted('`'), quoted('"', crEscaped))
  } else {
    for (const q of [`'`, '"', '`']) if (clean(q)) list.push(quoted(q))
    list.push(value, quoted("'"), quoted('"'), quoted('`'))
  }
  return list
}

function readsBackAs(text: string, name: string, value: string): boolean {
  const parsed = parse(text)
  return Object.hasOwn(parsed, name) && parsed[name] === value
}

/**
 * dotenv tries a quoted reading first, and its quoted pattern may run past the end of the line (through a `\q`
 * it takes for an escaped quote, or from an opening quote that never closes) up to any later line ending in
 * the same quote. A trap line ending in that quote shows whether this line can be read that way.
 */
function staysOnItsLine(line: string, name: string, value: string, quote: string): boolean {
  return readsBackAs(`${line}\n${name === 'Z' ? 'Y' : 'Z'}=${quote}\n`, name, value)
}

/**
 * One `NAME=value` line (or lines) that dotenv reads back as exactly `value`, whatever follows it, or null when
 * dotenv cannot express it (e.g. a value holding all three quote kinds, a `#` and a line break).
 */
export function formatEnvLine(name: string, value: string): string | null {
  for (const spelled of candidates(value)) {
    const line = `${name}=${spelled}`
    const quote = spelled.charAt(0)
    if (quote === '' || !`'"\``.includes(quote)) {
      if (readsBackAs(`${line}\n`, name, value)) return line
      continue
    }
    // A bare quote followed by text stops dotenv's quoted pattern on this line.
    for (const guarded of [line, `${line} # ${quote}end${quote}`]) {
      if (readsBackAs(`${guarded}\n`, name, value) && staysOnItsLine(guarded, name, value, quote))
        return guarded
    }
  }
  return null
}

/**
 * A .env text that dotenv parses back to exactly these pairs. Refuses (naming the variables, never the values)
 * when a name is not a .env name or a value cannot be written so that dotenv reads it back unchanged.
 */
export function formatEnvFile(pairs: readonly EnvPair[], header?: string): string {
  const problems: string[] = []
  const lines: string[] = header ? header.split('\n').map((l) => `# ${l}`) : []
  for (const { name, value } of pairs) {
    if (!isEnvName(name)) {
      problems.push(`${name} (not a valid .env name)`)
      continue
    }
    const line = formatEnvLine(name, value)
    if (line === null)
      problems.push(`${name} (its value cannot be written so that dotenv reads it back unchanged)`)
    else lines.push(line)
  }
  if (problems.length === 0) {
    const text = lines.join('\n') + '\n'
    const back = parse(text)
    for (const { name, value } of pairs) {
      if (!Object.hasOwn(back, name) || back[name] !== value)
        problems.push(`${name} (does not read back unchanged)`)
    }
    if (problems.length === 0) return text
  }
  throw new BadRequest(`Cannot export to a .env file: ${problems.join(', ')}`)
}

/** An export: the .env text (it holds secrets) and, for a whole export, the variables left out of it. */
export interface EnvExport {
  text: string
  /** Names that cannot be written to a .env file (`openai model`), or whose value would not read back. */
  skipped: string[]
}

/**
 * The user's variables (all but Langflow's internal `__names__`, or exactly `names` in that order), decrypted,
 * as .env text. A whole export leaves out, and names in `skipped`, the variables a .env file cannot hold; the
 * `names` chosen by the caller are all written or the export is refused. The text holds secrets: write it with
 * `writeEnvFile`, never log it.
 */
export function exportEnv(
  ctx: VariableContext,
  userId: string,
  names?: readonly string[]
): Promise<EnvExport> {
  return ctx.vault.reading(() => exportNow(ctx, userId, names))
}

async function exportNow(
  ctx: VariableContext,
  userId: string,
  names?: readonly string[]
): Promise<EnvExport> {
  const records = await ctx.store.variablesOf(userId)
  let chosen
  if (names) {
    const byName = new Map(records.map((r) => [r.name, r]))
    chosen = names.map((name) => {
      const record = byName.get(name)
      if (!record) throw new NotFound(variableNotFound(name))
      return record
    })
  } else {
    chosen = records.filter((r) => !isHiddenName(r.name)).sort((a, b) => (a.name < b.name ? -1 : 1))
  }
  let pairs = chosen.map((r) => ({ name: r.name, value: ctx.vault.decrypt(r.value) }))
  const skipped: string[] = []
  if (!names) {
    pairs = pairs.filter((pair) => {
      const fits = isEnvName(pair.name) && formatEnvLine(pair.name, pair.value) !== null
      if (!fits) skipped.push(pair.name)
      return fits
    })
  }
  return {
    text: formatEnvFile(pairs, 'Exported by FlowKeys. This file holds secrets: keep it private.'),
    skipped
  }
}

/** Writes an exported .env file readable by the owner only; an existing file is replaced only with `force`. */
export function writeEnvFile(path: string, text: string, options: { force?: boolean } = {}): void {
  if (!options.force && existsSync(path)) {
    throw new Conflict(`${path} already exists; it was left as it is (replace it only on request)`)
  }
  writeFileAtomic(path, text, 0o600)
}
