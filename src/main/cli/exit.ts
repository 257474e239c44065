import { CommanderError } from 'commander'
import { isFlowKeysError, oneLine } from '../base/errors'
import type { CliIO } from './io'
import { terminalText } from './terminal-text'

/** The CLI's exit codes: the only place they are decided. */
export const EXIT_OK = 0
/** The action was refused (not found, not allowed, conflict, keychain unavailable…): nothing changed. */
export const EXIT_REFUSED = 1
/** The command line itself is wrong: unknown option, missing argument, unreadable value. */
export const EXIT_USAGE = 2
/** Ctrl+C at a prompt: 128 + SIGINT, as a shell reports a command Ctrl+C stopped. */
export const EXIT_INTERRUPTED = 130

/**
 * A failure found by the CLI itself (not the core). `details` are extra lines printed under the one-line
 * reason, e.g. the keys an ambiguous name matches; like the message, they never hold a secret.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: typeof EXIT_REFUSED | typeof EXIT_USAGE | typeof EXIT_INTERRUPTED = EXIT_REFUSED,
    readonly details: string[] = []
  ) {
    super(message)
    this.name = 'CliError'
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE)
}

function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode
  if (err instanceof CommanderError) {
    // `--help`, `help <command>` and `--version` end with exit code 0; a bare `flowkeys` or `flowkeys keys`
    // shows the help as an error (commander's exit code 1), which is bad usage here.
    const shown = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(err.code)
    return shown && err.exitCode === 0 ? EXIT_OK : EXIT_USAGE
  }
  if (isFlowKeysError(err) && err.kind === 'Invalid') return EXIT_USAGE
  return EXIT_REFUSED
}

/** Commander prefixes its messages with "error: "; ours say `flowkeys: …` instead. */
function messageOf(err: unknown): string {
  if (err instanceof CommanderError) return oneLine(err.message.replace(/^error:\s*/, ''))
  // Ours are one line as written: a line break in them comes from a name, and shows escaped (\n).
  if (err instanceof CliError || isFlowKeysError(err)) return err.message
  return oneLine(err)
}

/**
 * Reports a failure as ONE line on stderr (`flowkeys: <reason>`, plus the error's detail lines if it has any)
 * and returns the exit code. Never a stack trace, unless FLOWKEYS_DEBUG asks for it for an unexpected error.
 * Messages quote names and arguments, so every line is escaped (terminalText).
 */
export function reportError(err: unknown, io: CliIO, hint?: string): number {
  const code = exitCodeOf(err)
  if (err instanceof CommanderError && (err.code === 'commander.help' || code === EXIT_OK)) return code
  const suffix = hint && code === EXIT_USAGE && err instanceof CommanderError ? ` (see '${hint} --help')` : ''
  io.err(terminalText(`flowkeys: ${messageOf(err)}${suffix}`))
  if (err instanceof CliError) for (const line of err.details) io.err(`  ${terminalText(line)}`)
  const expected = err instanceof CliError || err instanceof CommanderError || isFlowKeysError(err)
  if (!expected && io.env.FLOWKEYS_DEBUG && err instanceof Error && err.stack) {
    io.err(err.stack.split('\n').map(terminalText).join('\n'))
  }
  return code
}
