import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp'
import { flowkeys } from './helpers'

const COMMANDS = [
  [],
  ['api-key'],
  ['keys'],
  ['keys', 'list'],
  ['keys', 'rename'],
  ['keys', 'revoke'],
  ['users'],
  ['users', 'list'],
  ['users', 'add'],
  ['users', 'activate'],
  ['users', 'deactivate'],
  ['users', 'promote'],
  ['users', 'demote'],
  ['import-env'],
  ['export-env'],
  ['vars'],
  ['vars', 'list'],
  ['vars', 'set'],
  ['vars', 'get'],
  ['vars', 'delete'],
  ['run'],
  ['serve'],
  ['users', 'delete'],
  ['upstream'],
  ['upstream', 'set'],
  ['upstream', 'show'],
  ['upstream', 'clear'],
  ['store', 'show'],
  ['store', 'copy'],
  ['init'],
  ['recovery-key'],
  ['recover'],
  ['backup'],
  ['restore'],
  ['rotate-key']
]

describe('--help', () => {
  const dataDir = join(tempDir('flowkeys-cli-help-'), 'never-created')

  it.each(COMMANDS.map((c) => [c.join(' ') || '(program)', c] as const))(
    'flowkeys %s --help describes the command, its options and examples',
    async (_name, command) => {
      const result = await flowkeys([...command, '--help', '--data-dir', dataDir])
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      expect(result.stdout).toContain(`Usage: flowkeys${command.map((c) => ` ${c}`).join('')} `)
      expect(result.stdout).toContain('--data-dir <dir>')
      expect(result.stdout).toMatch(/Examples?:\n {2}\$ /)
      // Everything wraps where commander wraps the options.
      for (const line of result.stdout.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80)
      // Help never opens the store.
      expect(existsSync(dataDir)).toBe(false)
    }
  )

  it('`flowkeys help <command>` works too', async () => {
    const result = await flowkeys(['help', 'api-key'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('--expires-in <duration>')
    expect(result.stdout).toContain('API key')
  })
})

describe('--version', () => {
  it("prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    const result = await flowkeys(['--version'])
    expect(result.code).toBe(0)
    expect(result.stdout.trim()).toBe(version)
  })
})
