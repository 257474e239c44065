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

/** A line of the file that dotenv reads as nothing: reported (never its content, which may be a secret). */
export interface EnvSkippedLine {
  /** 1-based. */
  line: number
  /** Why dotenv skips it, in a few words (`no \`=\``). */
  reason: string
}

export interface EnvFile {
  entries: EnvFileEntry[]
  /** Lines that are neither blank, a comment, nor part of an assignment: dotenv drops them silently. */
  skippedLines: EnvSkippedLine[]
}

interface KeyToken {
  name: string
  /** Offset of the key in the text. */
  start: number
  /** Line of the key. */
  line: number
  /** Line where the assignment's text starts (an `export` may sit on an earlier line than its key). */
  firstLine: number
}

/** Offsets where each line starts; line n (1-based) starts at `starts[n - 1]`. */
function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

function lineAt(starts: readonly number[], offset: number): number {
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if ((starts[mid] as number) <= offset) low = mid
    else high = mid - 1
  }
  return low + 1
}

/**
 * The text with each candidate key renamed to `fk<nonce>_<index>` and, at the start of each line in `tags`, that
 * tag inserted. Markers only ever replace `[\w.-]+` with `\w+`, and tags are made of Unicode blanks that dotenv's
 * pattern reads as blanks, so dotenv reads the marked text exactly as it reads the file.
 */
function marked(
  text: string,
  tokens: readonly KeyToken[],
  nonce: string,
  tags: ReadonlyMap<number, string> = new Map()
): string {
  const edits: { at: number; length: number; text: string }[] = []
  for (const [at, tag] of tags) edits.push({ at, length: 0, text: tag })
  tokens.forEach((token, i) =>
    edits.push({ at: token.start, length: token.name.length, text: `fk${nonce}_${i}` })
  )
  // At the same offset, the tag (inserted at the line start) goes before the key.
  edits.sort((a, b) => a.at - b.at || a.length - b.length)
  const parts: string[] = []
  let copied = 0
  for (const edit of edits) {
    parts.push(text.slice(copied, edit.at), edit.text)
    copied = edit.at + edit.length
  }
  parts.push(text.slice(copied))
  return parts.join('')
}

/**
 * Finds the line of every assignment without parsing values ourselves: each candidate key in the text is
 * renamed to a unique marker and dotenv parses the result. The markers it returns as keys are the real
 * assignments (look-alikes inside quoted values stay values), in order, duplicates included.
 */
function locateAssignments(
  text: string,
  starts: readonly number[]
): { all: KeyToken[]; found: number[]; nonce: string } {
  const nonce = randomBytes(6).toString('hex')
  const all: KeyToken[] = []
  for (const match of text.matchAll(KEY_START)) {
    const name = match[1] as string
    const index = match.index ?? 0
    const start = index + match[0].length - name.length
    const first = index + match[0].length - match[0].trimStart().length
    all.push({ name, start, line: lineAt(starts, start), firstLine: lineAt(starts, first) })
  }
  const marker = new RegExp(`^fk${nonce}_(\\d+)$`)
  const found: number[] = []
  for (const key of Object.keys(parse(marked(text, all, nonce)))) {
    const index = marker.exec(key)?.[1]
    if (index !== undefined && all[Number(index)]) found.push(Number(index))
  }
  return { all, found, nonce }
}

// Tags are written with the Unicode blanks U+2000..U+2007 as octal digits and end with U+2008.
const TAG_DIGITS = 8
const TAG_END = '\u2008'

function tagDigits(n: number, width = 0): string {
  let out = ''
  do {
    out = String.fromCharCode(0x2000 + (n % TAG_DIGITS)) + out
    n = Math.floor(n / TAG_DIGITS)
  } while (n > 0 || out.length < width)
  return out
}

/** A line holding only an empty quoted value, maybe with a comment: dotenv reads it as the value ''. */
const EMPTY_QUOTED = /^(['"`])\1\s*(?:#.*)?$/

function skipReason(content: string): string {
  if (!content.includes('=')) return 'no `=`'
  if (content.startsWith('=')) return 'no name before `=`'
  return 'not a NAME=value line'
}

/**
 * The lines dotenv reads as nothing. A line holding an assignment (its `export` and key) is read; so is a line
 * inside a multi-line value. To tell, without parsing values ourselves, each other line gets a tag of Unicode
 * blanks at its start and dotenv parses the tagged text: a line whose tag comes back inside a value is part of
 * it. A tag is trimmed away only where a value starts at the start of a line (`KEY=` then `"value"` on the next
 * line, or `KEY:`, or `KEY` then `=value`): there the line right after such an assignment is read when dotenv
 * gave that assignment a value (or found its `=` there).
 */
function findSkippedLines(
  text: string,
  starts: readonly number[],
  located: { all: KeyToken[]; found: number[]; nonce: string }
): EnvSkippedLine[] {
  const lines = text.split('\n')
  const assignmentLines = new Set<number>()
  const keyOnLine = new Map<number, number>()
  for (const i of located.found) {
    const token = located.all[i] as KeyToken
    for (let l = token.firstLine; l <= token.line; l++) assignmentLines.add(l)
    keyOnLine.set(token.line, i)
  }
  const candidates: number[] = []
  lines.forEach((content, i) => {
    const trimmed = content.trim()
    if (trimmed !== '' && !trimmed.startsWith('#') && !assignmentLines.has(i + 1)) candidates.push(i + 1)
  })
  if (candidates.length === 0) return []

  const tagNonce = tagDigits(parseInt(randomBytes(4).toString('hex'), 16), 11)
  const tags = new Map<number, string>()
  for (const line of candidates) tags.set(starts[line - 1] as number, tagNonce + tagDigits(line) + TAG_END)
  const values = parse(marked(text, located.all, located.nonce, tags))
  const seen = new Set<number>()
  const tag = new RegExp(`${tagNonce}([\u2000-\u2007]+)${TAG_END}`, 'g')
  for (const value of Object.values(values)) {
    for (const m of value.matchAll(tag)) {
      let line = 0
      for (const digit of m[1] as string) line = line * TAG_DIGITS + (digit.charCodeAt(0) - 0x2000)
      seen.add(line)
    }
  }
  const valueOf = (i: number): string => values[`fk${located.nonce}_${i}`] ?? ''

  const skipped: EnvSkippedLine[] = []
  for (const line of candidates) {
    if (seen.has(line)) continue
    const content = (lines[line - 1] as string).trim()
    // The assignment right before, blanks and a lone `=` or `:` aside (dotenv lets `KEY`, `=` and the value sit on
    // lines of their own): a value may start here when that assignment left it open.
    let before = line - 1
    while (before > 0 && !keyOnLine.has(before) && /^\s*[=:]?\s*$/.test(lines[before - 1] as string)) before--
    const i = keyOnLine.get(before)
    if (i !== undefined) {
      const token = located.all[i] as KeyToken
      const rest = text.slice(token.start + token.name.length, starts[line - 1] ?? text.length).trim()
      if (rest === '' && content.startsWith('=')) continue
      // Read when it gave a value, or when the value it read here is an empty quoted one (`''`, `"" # c`).
      if ((rest === '=' || rest === ':') && (valueOf(i) !== '' || EMPTY_QUOTED.test(content))) continue
    }
    skipped.push({ line, reason: skipReason(content) })
  }
  return skipped
}

/**
 * Reads a .env file the way dotenv does (its own parser decides every value) and says, for each name, on which
 * line it is set, whether it is set more than once, and whether FlowKeys can store it; and which lines dotenv
 * skips (neither blank, a comment, nor an assignment).
 */
export function parseEnvFile(input: string | Uint8Array): EnvFile {
  // dotenv turns CRLF and lone CR into LF before parsing; doing it first keeps line numbers in step with it.
  const text = decodeEnvFile(input).replace(/\r\n?/g, '\n')
  const values = parse(text)
  const starts = lineStarts(text)
  const located = locateAssignments(text, starts)
  const lines = new Map<string, number[]>()
  for (const i of located.found) {
    const { name, line } = located.all[i] as KeyToken
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
  entries.sort((a, b) => a.line - b.line)
  return { entries, skippedLines: findSkippedLines(text, starts, located) }
}

/** The entries of a .env file (see parseEnvFile). */
export function readEnvFile(input: string | Uint8Array): EnvFileEntry[] {
  return parseEnvFile(input).entries
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
