import { CliError, EXIT_INTERRUPTED, usageError } from './exit'
import type { CliIO } from './io'

type Input = CliIO['stdin']

/**
 * The first line of `input` (up to "\n", or everything when it ends first), without its line ending; null when
 * the input is empty. Stops reading there, so a secret piped in with more after it reads only the first line.
 */
export function readFirstLine(input: Input): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let finished = false
    const finish = (text: string | null) => {
      if (finished) return
      finished = true
      input.off('data', onData)
      input.off('end', onEnd)
      input.off('error', onError)
      input.pause()
      resolve(text === null ? null : text.replace(/\r$/, ''))
    }
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      const newline = buffer.indexOf(0x0a)
      if (newline === -1) {
        chunks.push(buffer)
        return
      }
      chunks.push(buffer.subarray(0, newline))
      finish(Buffer.concat(chunks).toString('utf8'))
    }
    const onEnd = () => finish(chunks.length ? Buffer.concat(chunks).toString('utf8') : null)
    const onError = (err: Error) => {
      finished = true
      reject(err)
    }
    input.on('data', onData)
    input.on('end', onEnd)
    input.on('error', onError)
    input.resume()
  })
}

/** A question answered no: nothing was done (exit 1). */
export function cancelled(): CliError {
  return new CliError('Cancelled')
}

/** Ctrl+C (or Ctrl+D on an empty line) at a prompt: exit 130, as the shell reports an interrupted command. */
export function interrupted(): CliError {
  return new CliError('Cancelled', EXIT_INTERRUPTED)
}

const CTRL_C = '\u0003'
const CTRL_D = '\u0004'
const BACKSPACE = new Set(['\u007f', '\b'])

/**
 * Asks for a secret on the terminal without echoing it (raw mode, so nothing reaches the screen or the
 * scrollback). Ctrl-C or Ctrl-D on an empty line cancel. Refuses (bad usage) when stdin is not a terminal.
 */
export function promptHidden(io: CliIO, question: string, noTerminalHint: string): Promise<string> {
  const input = io.stdin
  if (!input.isTTY || typeof input.setRawMode !== 'function') {
    return Promise.reject(usageError(`no terminal to ask for the ${noTerminalHint}`))
  }
  // Raw before the question shows, so that nothing typed right after it is ever echoed.
  input.setRawMode(true)
  input.setEncoding('utf8')
  io.prompt(question)
  return new Promise((resolve, reject) => {
    let chars: string[] = []
    const done = () => {
      input.off('data', onData)
      input.setRawMode?.(false)
      input.pause()
      io.prompt('\n')
    }
    const onData = (chunk: Buffer | string) => {
      const text = String(chunk)
      // An arrow or function key: an escape sequence, not part of the secret.
      if (text.startsWith('\x1b')) return
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') {
          done()
          resolve(chars.join(''))
          return
        }
        if (ch === CTRL_C || (ch === CTRL_D && chars.length === 0)) {
          done()
          reject(interrupted())
          return
        }
        if (BACKSPACE.has(ch)) chars = chars.slice(0, -1)
        else if (ch >= ' ') chars.push(ch)
      }
    }
    input.on('data', onData)
    input.resume()
  })
}

/** A yes/no question on the terminal; anything but y/yes is no. */
export async function confirm(io: CliIO, question: string): Promise<boolean> {
  io.prompt(`${question} [y/N] `)
  const answer = await readFirstLine(io.stdin)
  return answer !== null && /^\s*y(es)?\s*$/i.test(answer)
}

/**
 * A secret from the first line of stdin (`--…-stdin`) or asked on the terminal without echo; never from argv.
 * `flag` names the stdin option in errors; `what` names the secret ("the upstream's API key").
 */
export async function readSecret(
  io: CliIO,
  options: { fromStdin: boolean; flag: string; what: string }
): Promise<string> {
  if (options.fromStdin) {
    const line = await readFirstLine(io.stdin)
    if (line === null || line.trim() === '') throw usageError(`${options.flag}: stdin is empty`)
    return line
  }
  const question = options.what[0]!.toUpperCase() + options.what.slice(1)
  return promptHidden(io, `${question}: `, `${options.what}: pass ${options.flag} and pipe it in`)
}
