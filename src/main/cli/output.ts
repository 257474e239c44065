import type { CliIO } from './io'
import { terminalJson, terminalText } from './terminal-text'

/** ANSI styles, only for a terminal and never when NO_COLOR is set (https://no-color.org). */
export interface Styles {
  bold(text: string): string
  blue(text: string): string
  dim(text: string): string
}

export function styles(io: CliIO): Styles {
  const on = io.stdoutIsTTY && !io.env.NO_COLOR && io.env.TERM !== 'dumb'
  const wrap = (open: number, close: number) => (text: string) =>
    on ? `\x1b[${open}m${text}\x1b[${close}m` : text
  return { bold: wrap(1, 22), blue: wrap(34, 39), dim: wrap(2, 22) }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g
const SURROGATE = /[\ud800-\udfff]/

/** Display width of a line: its characters (code points) without ANSI styles. */
function width(text: string): number {
  const plain = text.replace(ANSI, '')
  // Counted one by one only when some character takes two UTF-16 units (an emoji): a table has 10,000s of cells.
  return SURROGATE.test(plain) ? Array.from(plain).length : plain.length
}

/**
 * A rounded box around `lines`, like the panel Langflow's CLI prints for a new key. The lines may hold the
 * caller's styles, so the caller escapes user text in them (terminalText) before styling it.
 */
export function box(lines: string[]): string {
  const inner = Math.max(...lines.map(width))
  const edge = '─'.repeat(inner + 2)
  return [
    `╭${edge}╮`,
    ...lines.map((line) => `│ ${line}${' '.repeat(inner - width(line))} │`),
    `╰${edge}╯`
  ].join('\n')
}

/**
 * A plain, left-aligned table with a header row, two spaces between columns. Every cell is user text made safe
 * to print (terminalText), before the widths are measured so that the columns stay aligned.
 */
export function table(rawHeaders: string[], rawRows: string[][]): string {
  const headers = rawHeaders.map(terminalText)
  const rows = rawRows.map((row) => row.map(terminalText))
  const widths = headers.map((h, i) => rows.reduce((most, r) => Math.max(most, width(r[i] ?? '')), width(h)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell))))
      .join('  ')
      .trimEnd()
  return [line(headers), ...rows.map(line)].join('\n')
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`
}

/** A local date and time, to the minute: `2026-03-01 14:03`. */
export function localDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}`
  )
}

/**
 * A date as people read it in a listing: relative when it is within a month of `now` ("5 minutes ago",
 * "in 29 days"), the local date and time otherwise; `none` for a missing date.
 */
export function humanDate(iso: string | null, now: Date = new Date(), none = 'never'): string {
  if (!iso) return none
  const date = new Date(iso)
  const delta = date.getTime() - now.getTime()
  const abs = Math.abs(delta)
  if (Number.isNaN(abs)) return iso
  if (abs >= 30 * DAY) return localDateTime(date)
  if (abs < MINUTE) return 'just now'
  const minutes = Math.round(abs / MINUTE)
  const hours = Math.round(abs / HOUR)
  const amount =
    minutes < 60
      ? plural(minutes, 'minute')
      : hours < 24
        ? plural(hours, 'hour')
        : plural(Math.round(abs / DAY), 'day')
  return delta < 0 ? `${amount} ago` : `in ${amount}`
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no'
}

/** JSON for scripts: two-space indented, one document per command, with no character a terminal acts on. */
export function json(value: unknown): string {
  return terminalJson(JSON.stringify(value, null, 2))
}
