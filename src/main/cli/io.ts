/** The streams a CLI run talks to; the real process's in main.ts, fakes when a test runs the program in-process. */
export interface CliIO {
  /** Writes a line (or lines) to stdout: results, tables, the one-time key banner. */
  out(text: string): void
  /** Writes a line to stderr: errors, warnings, prompts. */
  err(text: string): void
  /** Whether stdout is a terminal (colours, boxes). */
  stdoutIsTTY: boolean
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown }
  /** Where prompts are written without a newline. */
  prompt(text: string): void
  env: NodeJS.ProcessEnv
  /** Set by a command that ends with a code of its own (e.g. `run`, which passes its child's through). */
  exitCode?: number
}

export function processIO(): CliIO {
  return {
    out: (text) => void process.stdout.write(text + '\n'),
    err: (text) => void process.stderr.write(text + '\n'),
    prompt: (text) => void process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    stdin: process.stdin,
    env: process.env
  }
}
