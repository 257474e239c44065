import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { terminalJson, terminalText } from '../../src/main/cli/terminal-text'
import { openCore } from '../../src/main/core/open'
import { expectOneLineError, flowkeys, ok, type CliResult } from '../cli/helpers'
import { tempDir } from '../helpers/tmp'

// Issue "Secrets stay with their owner", point 6: names are attacker-chosen (sign-up, any key holder), and the
// CLI prints them in the owner's terminal. None of their control characters may reach it raw.

/** Retitles the terminal, clears it, moves the cursor, breaks the line, reverses the text, an 8-bit CSI. */
const EVIL = 'x\x1b]0;pwned\x07\x1b[2J\rA\nB\u202eZ\x9b'
/** How EVIL reads once escaped. */
const SHOWN = String.raw`x\x1b]0;pwned\x07\x1b[2J\rA\nB\u202eZ\x9b`

/** What no output may hold: controls but the line feed ending each line (the CLI prints no tab). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

function expectSafe(text: string): void {
  // Escaped, so that a failure shows the offending character instead of acting on the test's terminal.
  expect(RAW_CONTROL.test(text), terminalJson(JSON.stringify(text))).toBe(false)
}

function expectSafeResult(result: CliResult): void {
  expectSafe(result.stdout)
  expectSafe(result.stderr)
}

const USER = `eve${EVIL}`
const KEY = `key${EVIL}`
const DUP = `dup${EVIL}`
const VAR = `VAR${EVIL}`
const VALUE = `value${EVIL}`

describe('terminalText', () => {
  const unsafe = [
    ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
    ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
    ...'\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069'
  ]

  it('escapes every C0 and C1 control, DEL, the line separators and the bidi controls', () => {
    for (const ch of unsafe) {
      const shown = terminalText(`a${ch}b`)
      expectSafe(shown)
      expect(shown).toMatch(/^a\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[ntr])b$/)
    }
    expect(terminalText(EVIL)).toBe(SHOWN)
    expect(terminalText('\x00\t\x7f\u2029\u2066')).toBe(String.raw`\x00\t\x7f\u2029\u2066`)
  })

  it('keeps ordinary Unicode and backslashes, and escaping twice changes nothing', () => {
    const plain = 'café Ünïcödé 東京 שלום 👩‍💻 🇫🇷 C:\\Users\\eve — “quoted” ✓'
    expect(terminalText(plain)).toBe(plain)
    expect(terminalText(terminalText(EVIL))).toBe(SHOWN)
  })

  it('terminalJson escapes what JSON.stringify leaves raw, and the JSON still reads back the same', () => {
    const value = { name: unsafe.join(''), list: [EVIL, 'café 東京'] }
    const text = terminalJson(JSON.stringify(value, null, 2))
    expectSafe(text)
    expect(text).toContain(String.raw`\u202e`)
    expect(JSON.parse(text)).toEqual(value)
  })
})

describe('the CLI never prints a name raw', () => {
  const root = tempDir('flowkeys-terminal-injection-')
  const dataDir = join(root, 'data')
  const run = (args: string[], input?: string) => flowkeys([...args, '--data-dir', dataDir], { input })

  beforeAll(async () => {
    // Created through the core, as the HTTP API would (a sign-up, a key holder naming keys and variables).
    const core = await openCore({ dataDir, env: {} })
    try {
      const eve = await core.users.create(core.superuser(), { username: USER, password: 'eve-password' })
      await core.keys.create(core.superuser(), { name: KEY }, eve.id)
      await core.keys.create(core.superuser(), { name: DUP })
      await core.keys.create(core.superuser(), { name: DUP }, eve.id)
      await core.variables.create(core.superuser().id, { name: VAR, value: VALUE, type: 'Generic' })
    } finally {
      await core.close()
    }
  })

  it('keys list: names and usernames escaped, columns still aligned', async () => {
    const stdout = await ok(dataDir, ['keys', 'list'])
    expectSafe(stdout)
    const [header, ...rows] = stdout.trimEnd().split('\n')
    const row = rows.find((r) => r.includes(`key${SHOWN}`))!
    expect(row).toContain(`eve${SHOWN}`)
    // The CREATED column starts where its header does, after the escaped name.
    expect(row.slice(header!.indexOf('CREATED'))).toMatch(/^(just now|\d+ minutes? ago) /)
  })

  it('users list: usernames escaped', async () => {
    const stdout = await ok(dataDir, ['users', 'list'])
    expectSafe(stdout)
    expect(stdout).toContain(`eve${SHOWN}`)
  })

  it('vars list: names and Generic values escaped', async () => {
    const stdout = await ok(dataDir, ['vars', 'list'])
    expectSafe(stdout)
    expect(stdout).toContain(`VAR${SHOWN}`)
    expect(stdout).toContain(`value${SHOWN}`.slice(0, 39))
  })

  it('--json: valid JSON without a raw C1, line separator or bidi control, reading back the exact names', async () => {
    for (const args of [
      ['keys', 'list'],
      ['users', 'list'],
      ['vars', 'list']
    ]) {
      const stdout = await ok(dataDir, [...args, '--json'])
      expectSafe(stdout)
      expect(stdout).toContain(String.raw`\u202e`)
    }
    const users = JSON.parse(await ok(dataDir, ['users', 'list', '--json'])) as { username: string }[]
    expect(users.map((u) => u.username)).toContain(USER)
  })

  it('import-env --dry-run: the user and the file name escaped', async () => {
    const file = join(root, `vars${EVIL}.env`)
    writeFileSync(file, 'NEW_ONE=value\n')
    const dryRun = await run(['import-env', file, '--user', USER, '--dry-run'])
    expect(dryRun.code).toBe(0)
    expectSafeResult(dryRun)
    expect(dryRun.stdout).toContain(`Dry run for eve${SHOWN}`)

    const empty = join(root, `empty${EVIL}.env`)
    writeFileSync(empty, '# nothing\n')
    const none = await run(['import-env', empty, '--dry-run'])
    expectSafeResult(none)
    expect(none.stdout).toBe(`No variables in ${join(root, `empty${SHOWN}.env`)}.\n`)

    const missing = await run(['import-env', join(root, `missing${EVIL}.env`), '--dry-run'])
    expectSafeResult(missing)
    expect(expectOneLineError(missing, 1)).toContain(`missing${SHOWN}.env`)
  })

  it('errors that echo an unknown name: one escaped line on stderr', async () => {
    const cases: [string[], string][] = [
      [['keys', 'revoke', `nokey${EVIL}`], `API Key not found: nokey${SHOWN}`],
      [['vars', 'get', `NOVAR${EVIL}`], `NOVAR${SHOWN} variable not found.`],
      [['vars', 'delete', `NOVAR${EVIL}`, '--yes'], `NOVAR${SHOWN} variable not found. Nothing was deleted.`],
      [['users', 'activate', `nouser${EVIL}`], `User not found: nouser${SHOWN}`],
      [['keys', 'list', '--user', `nouser${EVIL}`], `User not found: nouser${SHOWN}`]
    ]
    for (const [args, message] of cases) {
      const result = await run(args)
      expectSafeResult(result)
      expect(expectOneLineError(result, 1)).toBe(`flowkeys: ${message}`)
    }
  })

  it('an ambiguous key name: the reason and the keys it lists escaped', async () => {
    const result = await run(['keys', 'revoke', DUP])
    expect(result.code).toBe(1)
    expectSafeResult(result)
    const lines = result.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toContain(`"dup${SHOWN}"`)
    expect(lines.some((l) => l.endsWith(`eve${SHOWN}`))).toBe(true)
  })

  it('what commands say about a name they act on is escaped', async () => {
    const banner = await ok(dataDir, ['api-key', '--name', `new${EVIL}`, '--user', USER])
    expectSafe(banner)
    expect(banner).toContain(`Name: new${SHOWN}   User: eve${SHOWN}`)

    const set = await flowkeys(['vars', 'set', `SET${EVIL}`, '--value-stdin', '--data-dir', dataDir], {
      input: 'v'
    })
    expectSafeResult(set)
    expect(set.stdout).toBe(`Created Credential variable SET${SHOWN}.\n`)
    // The warning that such a name is no .env name quotes it escaped too.
    expect(set.stderr).toContain(`SET${SHOWN} is not a .env name`)
    const update = await ok(dataDir, ['vars', 'set', `SET${EVIL}`, '--value-stdin'], 'w')
    expect(update).toBe(`Updated Credential variable SET${SHOWN}.\n`)
    const deleted = await ok(dataDir, ['vars', 'delete', `SET${EVIL}`, '--yes'])
    expect(deleted).toBe(`Deleted variable SET${SHOWN}.\n`)

    const deactivated = await ok(dataDir, ['users', 'deactivate', USER])
    expect(deactivated).toBe(`eve${SHOWN} is now inactive.\n`)

    const exported = await ok(dataDir, [
      'export-env',
      '--user',
      USER,
      '--output',
      join(root, `out${EVIL}.env`)
    ])
    expectSafe(exported)
    expect(exported).toContain(`of eve${SHOWN} to ${join(root, `out${SHOWN}.env`)}`)

    const revoked = await ok(dataDir, ['keys', 'revoke', KEY, '--yes'])
    expectSafe(revoked)
    expect(revoked).toMatch(
      new RegExp(`^Revoked API key "key${escapeRegExp(SHOWN)}" .* of eve${escapeRegExp(SHOWN)}\\n$`)
    )
  })
})

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
