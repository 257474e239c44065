import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/main/core/open'
import { tempDir } from '../helpers/tmp'
import { expectNoFileHolds, expectOneLineError, ok, recordingRun, type CliResult } from './helpers'
import { FakeTerminal, session } from './terminal'

const root = tempDir('flowkeys-cli-vars-')

const tag = randomUUID().slice(0, 8)
const SECRET = `sk-secret-${tag}`
const SECRET2 = `sk-rotated-${tag}`
const GENERIC = `gpt-model-${tag}`
const PEM = `-----BEGIN-${tag}-----\nbody-${tag}\n-----END-${tag}-----`
const ARGV_VALUE = `argv-value-${tag}`

describe('flowkeys vars', () => {
  const dataDir = join(root, 'data')
  const outputs: CliResult[] = []
  let core: Core

  const runIn = recordingRun(outputs)
  const run = (args: string[], input?: string) => runIn(dataDir, args, input)
  const stored = async (name: string, user?: string) =>
    core.variables.find(user ? (await core.users.resolve(user)).id : core.superuser().id, name)

  beforeAll(async () => {
    await ok(dataDir, ['users', 'add', 'alice', '--password-stdin'], `pw-${tag}\n`)
    core = await openCore({ dataDir, env: {} })
  })
  afterAll(() => core?.close())

  it('set --value-stdin creates a Credential (one trailing newline dropped) and never echoes the value', async () => {
    const result = await run(['vars', 'set', 'OPENAI_API_KEY', '--value-stdin'], `${SECRET}\n`)
    expect(result).toEqual({ code: 0, stdout: 'Created Credential variable OPENAI_API_KEY.\n', stderr: '' })
    expect(await stored('OPENAI_API_KEY')).toEqual({
      name: 'OPENAI_API_KEY',
      type: 'Credential',
      value: SECRET
    })
    // A known provider's variable gets Langflow's default fields.
    expect((await core.variables.list(core.superuser().id))[0]!.default_fields).toEqual(['OpenAI', 'api_key'])
  })

  it('set takes all of stdin (multi-line values), a type and fields', async () => {
    expect((await run(['vars', 'set', 'PEM', '--value-stdin'], `${PEM}\r\n`)).code).toBe(0)
    expect((await stored('PEM'))?.value).toBe(PEM)
    const generic = await run(
      ['vars', 'set', 'MODEL', '--type', 'Generic', '--fields', 'OpenAI, model_name', '--value-stdin'],
      GENERIC
    )
    expect(generic.stdout).toBe('Created Generic variable MODEL.\n')
    const model = (await core.variables.list(core.superuser().id)).find((v) => v.name === 'MODEL')
    expect(model).toMatchObject({ type: 'Generic', value: GENERIC, default_fields: ['OpenAI', 'model_name'] })
  })

  it('set on an existing name updates its value, keeping type and fields unless given', async () => {
    const result = await run(['vars', 'set', 'OPENAI_API_KEY', '--value-stdin'], SECRET2)
    expect(result.stdout).toBe('Updated Credential variable OPENAI_API_KEY.\n')
    expect((await stored('OPENAI_API_KEY'))?.value).toBe(SECRET2)
    const listed = (await core.variables.list(core.superuser().id)).find((v) => v.name === 'OPENAI_API_KEY')
    expect(listed?.default_fields).toEqual(['OpenAI', 'api_key'])
    expect(await core.variables.list(core.superuser().id)).toHaveLength(3)
  })

  it('set never takes a value from argv and refuses an empty one', async () => {
    const flag = await run(['vars', 'set', 'FROM_ARGV', '--value', ARGV_VALUE])
    expect(expectOneLineError(flag, 2)).toMatch(/never taken from the command line.*--value-stdin/)
    const equals = await run(['vars', 'set', 'FROM_ARGV', `--value=${ARGV_VALUE}`])
    expect(expectOneLineError(equals, 2)).toMatch(/never taken from the command line/)
    expect(expectOneLineError(await run(['vars', 'set', 'FROM_ARGV', ARGV_VALUE]), 2)).toMatch(
      /too many arguments/
    )
    // No terminal to prompt on.
    expect(expectOneLineError(await run(['vars', 'set', 'FROM_ARGV']), 2)).toMatch(/--value-stdin/)
    expect(expectOneLineError(await run(['vars', 'set', 'FROM_ARGV', '--value-stdin'], '\n'), 2)).toMatch(
      /stdin is empty/
    )
    expect(
      expectOneLineError(await run(['vars', 'set', 'X', '--type', 'Secret', '--value-stdin'], 'v'), 2)
    ).toMatch(/Credential or Generic/)
    expect(await stored('FROM_ARGV')).toBeNull()
    expect(await stored('X')).toBeNull()
  })

  it('get prints the decrypted value on stdout; an unknown name is Langflow’s message, exit 1', async () => {
    expect(await ok(dataDir, ['vars', 'get', 'OPENAI_API_KEY'])).toBe(`${SECRET2}\n`)
    expect(await ok(dataDir, ['vars', 'get', 'PEM'])).toBe(`${PEM}\n`)
    expect(expectOneLineError(await run(['vars', 'get', 'NOPE']), 1)).toBe(
      'flowkeys: NOPE variable not found.'
    )
    expect(expectOneLineError(await run(['vars', 'get', 'OPENAI_API_KEY', '--user', 'alice']), 1)).toBe(
      'flowkeys: OPENAI_API_KEY variable not found.'
    )
  })

  it('list masks Credential values and shows Generic ones; --json is Langflow’s VariableRead', async () => {
    const result = await run(['vars', 'list'])
    expect(result.code).toBe(0)
    const [header, ...rows] = result.stdout.trimEnd().split('\n')
    expect(header).toMatch(/^NAME\s+TYPE\s+VALUE\s+DEFAULT FIELDS\s+UPDATED$/)
    expect(rows).toHaveLength(3)
    expect(rows[0]).toMatch(/^MODEL\s+Generic\s+gpt-model-\S+\s+OpenAI, model_name\s+just now$/)
    expect(rows[0]).toContain(GENERIC)
    expect(rows[1]).toMatch(/^OPENAI_API_KEY\s+Credential\s+\*{8}\s+OpenAI, api_key\s+just now$/)
    expect(rows[2]).toMatch(/^PEM\s+Credential\s+\*{8}\s+just now$/)

    const listed = JSON.parse((await run(['vars', 'list', '--json'])).stdout)
    expect(listed.map((v: { name: string; value: string | null }) => [v.name, v.value]).sort()).toEqual([
      ['MODEL', GENERIC],
      ['OPENAI_API_KEY', null],
      ['PEM', null]
    ])
    expect(Object.keys(listed[0]).sort()).toEqual(['default_fields', 'id', 'name', 'type', 'value'])
    expect((await run(['vars', 'list', '--user', 'alice'])).stdout).toBe('No variables.\n')
  })

  it('--user acts for that user only', async () => {
    await ok(dataDir, ['vars', 'set', 'OPENAI_API_KEY', '--user', 'alice', '--value-stdin'], SECRET)
    expect((await stored('OPENAI_API_KEY', 'alice'))?.value).toBe(SECRET)
    expect((await stored('OPENAI_API_KEY'))?.value).toBe(SECRET2)
    expect(expectOneLineError(await run(['vars', 'list', '--user', 'nobody']), 1)).toBe(
      'flowkeys: User not found: nobody'
    )
  })

  it('delete checks every name first, needs --yes without a terminal, then deletes', async () => {
    expect(expectOneLineError(await run(['vars', 'delete', 'PEM', 'MODEL']), 2)).toMatch(/pass --yes/)
    expect(expectOneLineError(await run(['vars', 'delete', 'PEM', 'NOPE', '--yes']), 1)).toBe(
      'flowkeys: NOPE variable not found. Nothing was deleted.'
    )
    expect(await stored('PEM')).not.toBeNull()
    expect(await ok(dataDir, ['vars', 'delete', 'PEM', 'MODEL', 'PEM', '--yes'])).toBe(
      'Deleted variable PEM.\nDeleted variable MODEL.\n'
    )
    expect(await stored('PEM')).toBeNull()
    expect(await stored('MODEL')).toBeNull()
    expect((await stored('OPENAI_API_KEY'))?.value).toBe(SECRET2)
  })

  it('on a terminal, set asks for the value without echoing it and delete asks for confirmation', async () => {
    const typed = `typed-${tag}`
    const s = session(dataDir, [`${typed}\r`, 'y\n'])
    expect(await s.run(['vars', 'set', 'TYPED'])).toBe(0)
    expect((await stored('TYPED'))?.value).toBe(typed)
    expect(await s.run(['vars', 'delete', 'TYPED'])).toBe(0)
    expect(await stored('TYPED')).toBeNull()
    expect((s.io.stdin as FakeTerminal).rawDuringPrompts).toEqual([true, false])
    expect(s.shown).toEqual([
      'Value of TYPED: ',
      '\n',
      'Created Credential variable TYPED.',
      'Delete variable TYPED? [y/N] ',
      'Deleted variable TYPED.'
    ])
  })

  it('no value reached any output but `vars get`, and no file holds one', () => {
    const secrets = [SECRET, SECRET2, ARGV_VALUE, ...PEM.split('\n')]
    for (const { stdout, stderr } of outputs) {
      for (const secret of secrets) {
        expect(stdout).not.toContain(secret)
        expect(stderr).not.toContain(secret)
      }
    }
    expectNoFileHolds(dataDir, [...secrets, GENERIC])
  })

  it('set warns (one stderr line, exit 0) when a new name cannot be a .env name', async () => {
    const result = await run(['vars', 'set', 'openai model', '--type', 'Generic', '--value-stdin'], 'gpt-4o')
    expect(result).toEqual({
      code: 0,
      stdout: 'Created Generic variable openai model.\n',
      stderr:
        'flowkeys: warning: openai model is not a .env name (letters, digits and _): export-env and run leave it out\n'
    })
    expect((await stored('openai model'))?.value).toBe('gpt-4o')
  })
})
