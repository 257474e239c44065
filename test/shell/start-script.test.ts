import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const electronDir = join(root, 'node_modules', 'electron')

function electronBinaryPresent(): boolean {
  try {
    const relative = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim()
    return relative !== '' && existsSync(join(electronDir, 'dist', relative))
  } catch {
    return false
  }
}

function runStart(args: string[], extraEnv: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ...extraEnv }
  if (!('ELECTRON_EXEC_PATH' in extraEnv)) delete env.ELECTRON_EXEC_PATH
  const started = Date.now()
  const result = spawnSync(process.execPath, [join(root, 'scripts/start.mjs'), ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 15_000
  })
  return { ...result, elapsedMs: Date.now() - started }
}

function expectOneLineError(stderr: string): string {
  expect(stderr.endsWith('\n')).toBe(true)
  const lines = stderr.split('\n').filter((line) => line !== '')
  expect(lines).toHaveLength(1)
  expect(stderr).not.toMatch(/^\s*at /m)
  expect(stderr).not.toMatch(/Error:/)
  return lines[0] ?? ''
}

describe.skipIf(electronBinaryPresent())('scripts/start.mjs without the Electron binary', () => {
  for (const [name, args, command] of [
    ['npm start', [], 'npm start'],
    ['npm run dev', ['dev'], 'npm run dev']
  ] as const) {
    it(`${name}: exits 1 quickly with one line saying how to install Electron`, () => {
      const result = runStart([...args])
      expect(result.error).toBeUndefined()
      expect(result.signal).toBeNull()
      expect(result.status).toBe(1)
      expect(result.elapsedMs).toBeLessThan(10_000)
      const line = expectOneLineError(result.stderr)
      expect(line).toMatch(/Electron binary is missing/)
      expect(line).toContain('node_modules/electron/dist')
      expect(line).toContain('npx install-electron --no')
      expect(line).toContain(`\`${command}\``)
      expect(result.stdout).toBe('')
    })
  }

  it('reports a missing ELECTRON_EXEC_PATH in one line too', () => {
    const result = runStart([], { ELECTRON_EXEC_PATH: join(root, 'no-such-electron-binary') })
    expect(result.status).toBe(1)
    const line = expectOneLineError(result.stderr)
    expect(line).toMatch(/ELECTRON_EXEC_PATH/)
  })
})
