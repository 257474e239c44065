// Runs the real CLI as a child process. Imports no test runner: the renderer suite (Playwright) uses it too;
// ./helpers.ts adds vitest's assertions and re-exports these.
import { spawn } from 'node:child_process'
import { builtCli } from '../helpers/bundle'

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** The environment the CLI runs in: this session's keyring, but none of the caller's FlowKeys or Langflow settings. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(LANGFLOW_|FLOWKEYS_)/.test(name) && name !== 'NO_COLOR' && name !== 'FORCE_COLOR')
      env[name] = value
  }
  return { ...env, ...extra }
}

/** Runs the real CLI (built as it ships, test/helpers/bundle.ts) as a child process; stdin is `input`, then closed. */
export function flowkeys(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {}
): Promise<CliResult> {
  const child = spawn(process.execPath, [builtCli(), ...args], {
    env: options.env ?? cliEnv()
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdin.on('error', () => undefined)
  child.stdin.end(options.input ?? '')
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
