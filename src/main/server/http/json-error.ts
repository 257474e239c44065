/**
 * Where and why Python's `json.loads` (CPython's C scanner, 3.12) rejects a document, so a bad JSON body gets the
 * same 422 `json_invalid` answer as FastAPI: `loc: ["body", <pos>]`, `ctx.error: "Expecting value"`.
 *
 * Only called after `JSON.parse` failed: V8's own message quotes the body, which may hold a secret, so it is never
 * used. Positions count code points, as Python's do. Nothing here recurses: any depth of nesting is scanned
 * with an explicit stack.
 */
export interface JsonDecodeError {
  msg: string
  pos: number
}

class DecodeError extends Error {
  constructor(
    readonly msg: string,
    readonly at: number
  ) {
    super(msg)
  }
}

/** Python's StopIteration(idx) from scan_once: no value starts here. */
class NoValue extends Error {
  constructor(readonly at: number) {
    super('no value')
  }
}

const isWs = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r'
const isDigit = (ch: string): boolean => ch.length === 1 && ch >= '0' && ch <= '9'
const isHex = (ch: string): boolean => /^[0-9a-fA-F]$/.test(ch)
const OBJECT = 0
const ARRAY = 1
const SIMPLE_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't'])

/** The error Python would raise for `text`, or null when Python would accept it. */
export function pythonJsonError(text: string): JsonDecodeError | null {
  const s = Array.from(text) // code points, so indexes match Python's
  const n = s.length
  const c = (i: number): string => s[i] ?? ''
  const skipWs = (i: number): number => {
    while (i < n && isWs(c(i))) i++
    return i
  }

  const scanString = (start: number): number => {
    // `start` is just after the opening quote; Python reports unterminated strings at the quote.
    const begin = start - 1
    let i = start
    for (;;) {
      while (i < n && c(i) !== '"' && c(i) !== '\\') {
        if ((c(i).codePointAt(0) ?? 0) <= 0x1f) throw new DecodeError('Invalid control character at', i)
        i++
      }
      if (i >= n) throw new DecodeError('Unterminated string starting at', begin)
      if (c(i) === '"') return i + 1
      i++ // past the backslash
      if (i >= n) throw new DecodeError('Unterminated string starting at', begin)
      if (c(i) !== 'u') {
        if (!SIMPLE_ESCAPES.has(c(i))) throw new DecodeError('Invalid \\escape', i - 1)
        i++
        continue
      }
      const u = i
      if (u + 5 >= n) throw new DecodeError('Invalid \\uXXXX escape', u)
      for (let k = u + 1; k <= u + 4; k++) {
        if (!isHex(c(k))) throw new DecodeError('Invalid \\uXXXX escape', u)
      }
      i = u + 5
      // A high surrogate may be followed by a second \uXXXX; a malformed second escape is an error too.
      const code = parseInt(s.slice(u + 1, u + 5).join(''), 16)
      if (code >= 0xd800 && code <= 0xdbff && i + 6 < n && c(i) === '\\' && c(i + 1) === 'u') {
        for (let k = i + 2; k <= i + 5; k++) {
          if (!isHex(c(k))) throw new DecodeError('Invalid \\uXXXX escape', i + 1)
        }
        const low = parseInt(s.slice(i + 2, i + 6).join(''), 16)
        if (low >= 0xdc00 && low <= 0xdfff) i += 6
      }
    }
  }

  const matchNumber = (start: number): number => {
    let i = start
    if (c(i) === '-') {
      i++
      if (i >= n) throw new NoValue(start)
    }
    if (c(i) >= '1' && c(i) <= '9' && c(i).length === 1) {
      i++
      while (isDigit(c(i))) i++
    } else if (c(i) === '0') {
      i++
    } else {
      throw new NoValue(start)
    }
    if (i < n - 1 && c(i) === '.' && isDigit(c(i + 1))) {
      i += 2
      while (isDigit(c(i))) i++
    }
    if (i < n - 1 && (c(i) === 'e' || c(i) === 'E')) {
      const eStart = i
      i++
      if (i < n - 1 && (c(i) === '-' || c(i) === '+')) i++
      while (isDigit(c(i))) i++
      if (!isDigit(c(i - 1))) i = eStart
    }
    return i
  }

  const startsWith = (i: number, word: string): boolean => s.slice(i, i + word.length).join('') === word

  /** A scalar starting at `i` (after whitespace): where it ends. Containers are handled by the loop below. */
  const scanScalar = (i: number): number => {
    if (i < 0 || i >= n) throw new NoValue(i)
    switch (c(i)) {
      case '"':
        return scanString(i + 1)
      case 'n':
        if (startsWith(i, 'null')) return i + 4
        break
      case 't':
        if (startsWith(i, 'true')) return i + 4
        break
      case 'f':
        if (startsWith(i, 'false')) return i + 5
        break
      case 'N':
        if (startsWith(i, 'NaN')) return i + 3
        break
      case 'I':
        if (startsWith(i, 'Infinity')) return i + 8
        break
      case '-':
        if (startsWith(i, '-Infinity')) return i + 9
        break
    }
    return matchNumber(i)
  }

  /** After `{` or `,` in an object (whitespace skipped): the key and its `:`; where the value should start. */
  const scanKey = (i: number): number => {
    if (i >= n || c(i) !== '"') throw new DecodeError('Expecting property name enclosed in double quotes', i)
    i = skipWs(scanString(i + 1))
    if (i >= n || c(i) !== ':') throw new DecodeError("Expecting ':' delimiter", i)
    return skipWs(i + 1)
  }

  // Python's scanner recurses into containers; here an explicit stack of open containers does, so no depth of
  // nesting can exhaust the call stack. Positions and messages are those of the recursive scanner.
  const scanDocument = (): number => {
    const open: (typeof OBJECT | typeof ARRAY)[] = []
    let i = skipWs(0)
    for (;;) {
      // `i` is where a value should start.
      const ch = c(i)
      if (ch === '{' || ch === '[') {
        const close = ch === '{' ? '}' : ']'
        i = skipWs(i + 1)
        if (i < n && c(i) === close) {
          i += 1
        } else {
          open.push(ch === '{' ? OBJECT : ARRAY)
          i = ch === '{' ? scanKey(i) : i
          continue
        }
      } else {
        try {
          i = scanScalar(i)
        } catch (err) {
          // In containers and at the top alike, a missing value is "Expecting value" where it should start.
          if (err instanceof NoValue) throw new DecodeError('Expecting value', err.at)
          throw err
        }
      }
      // A value ended at `i`: close the containers it completes, up to the next value or the document's end.
      for (;;) {
        const top = open.at(-1)
        if (top === undefined) return i
        i = skipWs(i)
        if (i < n && c(i) === (top === OBJECT ? '}' : ']')) {
          open.pop()
          i += 1
          continue
        }
        if (i >= n || c(i) !== ',') throw new DecodeError("Expecting ',' delimiter", i)
        i = skipWs(i + 1)
        if (top === OBJECT) i = scanKey(i)
        break
      }
    }
  }

  try {
    const end = skipWs(scanDocument())
    if (end !== n) return { msg: 'Extra data', pos: end }
    return null
  } catch (err) {
    if (err instanceof DecodeError) return { msg: err.msg, pos: err.at }
    throw err
  }
}
