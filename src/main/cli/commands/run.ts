import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import type { Command } from 'commander'
import { withoutSecretSettings } from '../../config/secret-settings'
import type { Core } from '../../core/open'
import { isEnvName } from '../../../shared/env-name'
import { isHiddenName } from '../../variables/model'
import { nonEmpty } from '../args'
import { usageError } from '../exit'
import type { CliIO } from '../io'
import { Masker, maskStream } from '../mask-stream'
import { terminalText } from '../terminal-text'
import { withCore } from '../session'
import { parseNames, recordsByName, requireNames, targetUserId } from '../variable-args'

interface RunOptions {
  user?: string
  only?: string[]
  masking: boolean
}

const EXAMPLES = `
Runs the command with the user's variables (all of them, or only --only) added to its environment, one
environment variable per variable name; names that cannot be environment variable names are skipped with a
warning. A stored variable wins over an inherited environment variable of the same name, as in Langflow,
where the app's value beats the environment. FlowKeys' own secret settings (FLOWKEYS_SECRET_KEY,
LANGFLOW_SECRET_KEY, LANGFLOW_SUPERUSER_PASSWORD…) are removed from the command's environment: to hand a
command such a value, store it as a variable.

By default the command's stdout and stderr are piped through FlowKeys, which replaces every injected value
(of 4 characters or more) with <concealed by FlowKeys>, also when it is written in pieces; the command then
sees pipes, not a terminal. --no-masking hands it the terminal as it is, and shows what it prints unchanged.
Only exact values are masked: a value the command transforms (encodes, reverses, splits) is not recognised.

The exit code is the command's (128 + the signal number when a signal ended it, 127 when it is not found,
126 when it cannot be started); SIGINT, SIGTERM and SIGHUP sent to FlowKeys are passed on to it.
FlowKeys itself never prints a value. Options, --data-dir included, go before --: everything after it is
the command's.

Examples:
  $ flowkeys run -- python app.py
  $ flowkeys run --only OPENAI_API_KEY -- langflow run
  $ flowkeys run --user alice --no-masking -- bash`

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/**
 * The command to run: exactly what follows `--`. Commander drops the `--` itself, so the raw command line tells
 * whether it was there; requiring it keeps the command's own options (`node -e …`) from being read as ours.
 */
function commandAfterDashes(command: Command, args: string[]): string[] {
  let root: Command = command
  while (root.parent) root = root.parent
  // Commander keeps the argv it parsed on the program; its typings leave it out.
  const raw = (root as unknown as { rawArgs?: string[] }).rawArgs ?? []
  const dashes = raw.indexOf('--')
  const tail = dashes === -1 ? [] : raw.slice(dashes + 1)
  const same = tail.length === args.length && tail.every((arg, i) => arg === args[i])
  if (tail.length === 0 || !same) {
    throw usageError('put the command to run after --, as in: flowkeys run [options] -- CMD ARGS…')
  }
  return tail
}

interface Injection {
  env: Record<string, string>
  skipped: string[]
}

/** The user's variables as environment variables: privileged reads, done before the command starts. */
async function injection(core: Core, userId: string, only: string[] | undefined): Promise<Injection> {
  const records = await recordsByName(core, userId)
  if (only) requireNames(records, only, 'Nothing was run.')
  const names = only ?? [...records.keys()].filter((n) => !isHiddenName(n)).sort()
  const env: Record<string, string> = {}
  const skipped: string[] = []
  for (const name of names) {
    if (!isEnvName(name)) {
      skipped.push(name)
      continue
    }
    const { value } = await core.variables.get(userId, name)
    // The OS cannot hold a NUL in an environment variable.
    if (value.includes('\u0000')) skipped.push(name)
    else env[name] = value
  }
  return { env, skipped }
}

/** What a shell reports for a command that did not run or did not exit on its own. */
function startFailure(io: CliIO, program: string, err: NodeJS.ErrnoException): number {
  if (err.code === 'ENOENT') {
    io.err(terminalText(`flowkeys: ${program}: command not found`))
    return 127
  }
  io.err(terminalText(`flowkeys: ${program}: cannot be started (${err.code ?? err.message})`))
  return 126
}

/**
 * Runs `argv` with `env`, forwarding signals, and resolves with its exit code. With `values` to mask, its
 * stdout and stderr go through a masking filter to this process's own; otherwise it inherits them. The
 * promise waits for the masked streams to end, so nothing the command wrote is lost.
 */
function runChild(
  io: CliIO,
  argv: string[],
  env: NodeJS.ProcessEnv,
  values: string[] | null
): Promise<number> {
  const [program, ...args] = argv as [string, ...string[]]
  const masked = values !== null && new Masker(values).active
  return new Promise((resolve) => {
    let pending = masked ? 3 : 1
    let code = 0
    let settled = false
    const forward = (signal: NodeJS.Signals) => {
      try {
        child.kill(signal)
      } catch {
        // Already gone: its exit is on its way.
      }
    }
    const settle = (exitCode: number) => {
      if (settled) return
      settled = true
      for (const signal of FORWARDED) process.off(signal, forward)
      resolve(exitCode)
    }
    const done = () => {
      if (--pending === 0) settle(code)
    }
    const child = spawn(program, args, { env, stdio: masked ? ['inherit', 'pipe', 'pipe'] : 'inherit' })
    for (const signal of FORWARDED) process.on(signal, forward)
    // Also emitted when a signal cannot be delivered; only a child without a pid never started.
    child.on('error', (err) => {
      if (child.pid === undefined) settle(startFailure(io, program, err))
    })
    child.on('exit', (exitCode, signal) => {
      code = exitCode ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)
      done()
    })
    if (masked && child.stdout && child.stderr) {
      for (const [from, to] of [
        [child.stdout, process.stdout],
        [child.stderr, process.stderr]
      ] as const) {
        const filter = maskStream(values ?? [])
        filter.on('end', done)
        from.pipe(filter).pipe(to, { end: false })
      }
    }
  })
}

/** `flowkeys run -- CMD ARGS…`: like `op run` and `doppler run`. */
export function registerRun(program: Command, io: CliIO): void {
  program
    .command('run')
    .description("Run a command with the user's variables in its environment (values masked in its output)")
    .usage('[options] -- <command> [args...]')
    .argument('[command...]', 'the command and its arguments, after --')
    .option(
      '--user <user>',
      "inject this user's variables (username or id) instead of the superuser's",
      nonEmpty
    )
    .option('--only <names>', 'inject only these variables, comma-separated (A,B)', parseNames)
    .option('--no-masking', "leave the command's output unfiltered (it keeps the terminal)")
    .addHelpText('after', EXAMPLES)
    .action(async (args: string[], options: RunOptions, command: Command) => {
      const argv = commandAfterDashes(command, args)
      const { env, skipped } = await withCore(io, command, async (core, actor) =>
        injection(core, await targetUserId(core, actor, options.user), options.only)
      )
      if (skipped.length > 0) {
        io.err(
          terminalText(
            `flowkeys: warning: not injected (not a valid environment variable name or value): ${skipped.join(', ')}`
          )
        )
      }
      const values = options.masking ? Object.values(env) : null
      // What the child gets: this environment without FlowKeys' own secrets, then the vault's variables.
      io.exitCode = await runChild(io, argv, { ...withoutSecretSettings(io.env), ...env }, values)
    })
}
