// bin/flowkeys.js, the `flowkeys` command: runs out/cli/cli.js, and in a checkout says when that build is older
// than the sources. Run from a copy in a temporary project layout, with a stand-in for the built CLI.
import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp'

const run = promisify(execFile)
const LAUNCHER = resolve(import.meta.dirname, '../../bin/flowkeys.js')
const HOUR = 3600

interface Layout {
  root: string
  cli: string
  source: string | null
}

function layout(options: { built: boolean; sources: boolean }): Layout {
  const root = tempDir('flowkeys-launcher-')
  // ES modules, as in the project's package.json.
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n')
  mkdirSync(join(root, 'bin'))
  copyFileSync(LAUNCHER, join(root, 'bin', 'flowkeys.js'))
  const cli = join(root, 'out', 'cli', 'cli.js')
  if (options.built) {
    mkdirSync(join(root, 'out', 'cli'), { recursive: true })
    writeFileSync(cli, "process.stdout.write('cli ran ' + process.argv.slice(2).join(' '))\n")
  }
  let source: string | null = null
  if (options.sources) {
    mkdirSync(join(root, 'src', 'main', 'cli'), { recursive: true })
    source = join(root, 'src', 'main', 'cli', 'main.ts')
    writeFileSync(source, 'export {}\n')
  }
  return { root, cli, source }
}

/** Sets a file's modification time to `offset` seconds from now. */
function touch(file: string, offset: number): void {
  const at = Date.now() / 1000 + offset
  utimesSync(file, at, at)
}

async function launch(root: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [
      join(root, 'bin', 'flowkeys.js'),
      'list',
      '--json'
    ])
    return { code: 0, stdout, stderr }
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string }
    return { code, stdout, stderr }
  }
}

const STALE = /out\/cli is older than the sources; run `npm run build`/

describe('bin/flowkeys.js', () => {
  it('runs the built CLI with its arguments, silently when the build is newer than the sources', async () => {
    const { root, source } = layout({ built: true, sources: true })
    touch(source!, -HOUR)
    expect(await launch(root)).toEqual({ code: 0, stdout: 'cli ran list --json', stderr: '' })
  })

  it('says on stderr when a source changed after the build, and still runs it', async () => {
    const { root, cli, source } = layout({ built: true, sources: true })
    touch(cli, -HOUR)
    touch(source!, 0)
    const result = await launch(root)
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('cli ran list --json')
    expect(result.stderr).toMatch(STALE)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('looks only at what the CLI is built from: a newer renderer file is no reason to warn', async () => {
    const { root, cli, source } = layout({ built: true, sources: true })
    touch(source!, -2 * HOUR)
    touch(cli, -HOUR)
    mkdirSync(join(root, 'src', 'renderer'))
    writeFileSync(join(root, 'src', 'renderer', 'App.tsx'), 'export {}\n')
    expect(await launch(root)).toEqual({ code: 0, stdout: 'cli ran list --json', stderr: '' })
  })

  it('says so when the dependencies changed after the build (package-lock.json), the sources did not', async () => {
    const { root, cli, source } = layout({ built: true, sources: true })
    touch(source!, -2 * HOUR)
    touch(cli, -HOUR)
    writeFileSync(join(root, 'package-lock.json'), '{}\n')
    const result = await launch(root)
    expect(result.stdout).toBe('cli ran list --json')
    expect(result.stderr).toMatch(STALE)
    touch(join(root, 'package-lock.json'), -2 * HOUR)
    expect(await launch(root)).toEqual({ code: 0, stdout: 'cli ran list --json', stderr: '' })
  })

  it('says nothing about staleness where there are no sources (an installed package)', async () => {
    const { root, cli } = layout({ built: true, sources: false })
    touch(cli, -HOUR)
    expect(await launch(root)).toEqual({ code: 0, stdout: 'cli ran list --json', stderr: '' })
  })

  it('exits 1 with one line when the CLI is not built', async () => {
    const { root } = layout({ built: false, sources: true })
    const result = await launch(root)
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe('FlowKeys CLI is not built: run `npm run build` (or use `npm run cli -- …`)\n')
  })
})
