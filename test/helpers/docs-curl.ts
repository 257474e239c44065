import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The `### name` blocks of a fixture of documented curl commands, in order. */
export function curlCommands(file: string): Map<string, string> {
  const text = readFileSync(file, 'utf8')
  const blocks = new Map<string, string>()
  for (const block of text.split(/^### /m).slice(1)) {
    const newline = block.indexOf('\n')
    blocks.set(block.slice(0, newline).trim(), block.slice(newline + 1).trim())
  }
  return blocks
}

export interface CurlResult {
  status: number
  body: unknown
}

/**
 * A HOME for curl in `root` whose private .curlrc (read by every curl run) adds `--silent` and a status line
 * after the body, so a command's text itself stays exactly as the docs print it.
 */
export function curlHomeIn(root: string): string {
  const home = join(root, 'curl-home')
  mkdirSync(home, { recursive: true })
  writeFileSync(join(home, '.curlrc'), 'silent\nshow-error\nwrite-out = "\\n%{http_code}"\n')
  return home
}

/** Runs one documented command unchanged with `bash -c`, only `env` (and PATH) in its environment. */
export function runCurl(
  name: string,
  command: string,
  home: string,
  env: Record<string, string>
): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-c', command],
      { env: { PATH: process.env.PATH, CURL_HOME: home, HOME: home, ...env } },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${name}: ${err.message} ${stderr}`))
        const at = stdout.lastIndexOf('\n')
        const status = Number(stdout.slice(at + 1))
        const text = stdout.slice(0, at)
        resolve({ status, body: text === '' ? null : JSON.parse(text) })
      }
    )
  })
}
