import { randomBytes } from 'node:crypto'
import { parse } from 'dotenv'
import { Invalid, TooLarge } from '../base/errors'
import { LIMITS } from '../store/limits'
import { ENV_NAME_PATTERN } from '../../shared/env-name'

export const MAX_ENV_FILE_BYTES = 16 * 1024 * 1024

export interface EnvFileEntry {
  name: string
  /** 1-based line where the winning assignment starts (the last one, as dotenv keeps the last). */
  line: number
  /** Earlier lines that assign the same name and are overridden. */
  duplicateLines: number[]
  /** dotenv's value; undefined when dotenv dropped the name (`__proto__`). */
  value: string | undefined
  /** Why the entry cannot become a variable; absent when it can. */
  invalid?: string
}

const REFUSED = 'nothing was imported'

/**
 * Turns file bytes into text, refusing what is not a text file: NUL bytes or invalid UTF-8 mean a binary or a
 * wrongly encoded file, and importing part of it would store garbage. A leading BOM is dropped.
 */
export function decodeEnvFile(input: string | Uint8Array): string {
  if (input.length > MAX_ENV_FILE_BYTES) {
    throw new TooLarge(`The .env file is larger than ${MAX_ENV_FILE_BYTES / 1024 / 1024} MiB; ${REFUSED}.`)
  }
  let text: string
  if (typeof input === 'string') {
    text = input
  } else {
    if (input.includes(0))
      throw new Invalid(`The file is not a text .env file (it contains NUL bytes); ${REFUSED}.`)
    try {
      // The decoder also drops a UTF-8 BOM.
      text = new TextDecoder('utf-8', { fatal: true }).decode(input)
    } catch {
      throw new Invalid(`The .env file is not valid UTF-8 text; ${REFUSED}.`)
    }
  }
  if (text.includes('\u0000'))
    throw new Invalid(`The file is not a text .env file (it contains NUL bytes); ${REFUSED}.`)
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/**
 * Where a dotenv key can start: at a line start, after blanks and an optional `export `, as in dotenv's own
 * pattern. This finds every key dotenv could see, plus look-alikes inside multi-line values.
 */
const KEY_START = /^\s*(?:export\s+)?([\w.-]+)/gm

interface KeyToken {
  name: string
  line: number
}

/**
 * Finds the line of every assignment without parsing values ourselves: each candidate key in the text is
 * renamed to a unique marker and dotenv parses the result. Markers only ever replace `[\w.-]+` with `\w+`, so
 * dotenv reads the marked text exactly as it reads the file; the markers it returns as keys are the real
 * assignments (look-alikes inside quoted values stay values), in order, duplicates included.
 */
function locateAssignments(text: string): KeyToken[] {
  const nonce = randomBytes(6).toString('hex')
  const tokens: KeyToken[] = []
  const parts: string[] = []
  let copied = 0
  let line = 1
  let counted = 0
  for (const match of text.matchAll(KEY_START)) {
    const name = match[1] as string
    const start = (match.index ?? 0) + match[0].length - name.length
    for (let i = text.indexOf('\n', counted); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) line++
    counted = start
    parts.push(text.slice(copied, start), `fk${nonce}_${tokens.length}`)
    copied = start + name.length
    tokens.push({ name, line })
  }
  parts.push(text.slice(copied))
  const marker = new RegExp(`^fk${nonce}_(\\d+)$`)
  const found: KeyToken[] = []
  for (const key of Object.keys(parse(parts.join('')))) {
    const index = marker.exec(key)?.[1]
    const token = index === undefined ? undefined : tokens[Number(index)]
    if (token) found.push(token)
  }
  return found
}

/**
 * Reads a .env file the way dotenv does (its own parser decides every value) and says, for each name, on which
 * line it is set, whether it is set more than once, and whether FlowKeys can store it.
 */
export function readEnvFile(input: string | Uint8Array): EnvFileEntry[] {
  // dotenv turns CRLF and lone CR into LF before parsing; doing it first keeps line numbers in step with it.
  const text = decodeEnvFile(input).replace(/\r\n?/g, '\n')
  const values = parse(text)
  const lines = new Map<string, number[]>()
  for (const { name, line } of locateAssignments(text)) {
    const seen = lines.get(name)
    if (seen) seen.push(line)
    else lines.set(name, [line])
  }
  for (const name of Object.keys(values)) if (!lines.has(name)) lines.set(name, [0])
  const entries: EnvFileEntry[] = []
  for (const [name, at] of lines) {
    const value = Object.hasOwn(values, name) ? values[name] : undefined
    const entry: EnvFileEntry = { name, line: at[at.length - 1] ?? 0, duplicateLines: at.slice(0, -1), value }
    const invalid = invalidReason(name, value)
    if (invalid) entry.invalid = invalid
    entries.push(entry)
  }
  return entries.sort((a, b) => a.line - b.line)
}

function invalidReason(name: string, value: string | undefined): string | undefined {
  if (!ENV_NAME_PATTERN.test(name)) {
    return 'invalid name: use letters, digits and _, not starting with a digit'
  }
  if (value === undefined) return 'reserved name'
  if (value === '') return 'empty value'
  if (name.length > LIMITS.variableName) return `name too long (at most ${LIMITS.variableName} characters)`
  if (value.length > LIMITS.variableValue)
    return `value too long (at most ${LIMITS.variableValue} characters)`
  return undefined
}
