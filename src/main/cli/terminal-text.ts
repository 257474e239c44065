// Names, usernames and messages quoting them are attacker-chosen text (anyone may sign up, any key holder names
// keys and variables): printed raw, `\e]0;…\a` retitles the owner's terminal and `\e[2J` clears it.

/**
 * What a terminal may act on instead of showing: C0 controls, DEL, C1 controls, the line and paragraph
 * separators, and the bidi embeddings, overrides and isolates that reorder what is shown (Trojan Source).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g')

/** The same set less C0, which JSON.stringify already escapes (and whose \n indents JSON output). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const SHORT: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' }

function hex(ch: string, digits: number): string {
  return ch.charCodeAt(0).toString(16).padStart(digits, '0')
}

function escapeChar(ch: string): string {
  return SHORT[ch] ?? (ch.charCodeAt(0) <= 0xff ? `\\x${hex(ch, 2)}` : `\\u${hex(ch, 4)}`)
}

/**
 * `text` safe to print on a terminal: every character a terminal may act on is written as a JavaScript
 * escape (`\n`, `\r`, `\t`, `\x1b`, `\x9b`, `\u202e`; also what bash's $'…' reads); everything else (accents,
 * CJK, emoji) is kept. Backslashes are kept as they are: the goal is that the terminal never acts on the text,
 * not reversibility, and so escaping twice changes nothing and Windows paths in messages stay readable.
 */
export function terminalText(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeChar) : text
}

/**
 * Serialized JSON safe to print: JSON.stringify escapes C0 controls but leaves DEL, C1, U+2028/U+2029 and the
 * bidi controls raw. They can only stand inside JSON strings, so `\uXXXX` there is the same JSON.
 */
export function terminalJson(serialized: string): string {
  return serialized.replace(UNSAFE_IN_JSON, (ch) => `\\u${hex(ch, 4)}`)
}
