import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Corrupt } from '../../src/main/base/errors'
import { defaultDataDir, resolveDataDir } from '../../src/main/config/paths'
import { migrate, MIGRATIONS, type Migration } from '../../src/main/store/migrations'
import { SCHEMA_VERSION, type ApiKeyRecord, type UserRecord } from '../../src/main/store/schema'
import { DataFile, STORE_FILE } from '../../src/main/store/data-file'
import { JsonStore } from '../../src/main/store/json-store'
import { bundle } from '../helpers/bundle'
import { tempDir } from '../helpers/tmp'

const root = tempDir()
let n = 0
const freshDir = () => join(root, `s${n++}`)

function record(id: string) {
  const now = new Date().toISOString()
  return {
    id,
    user_id: 'u',
    name: id,
    type: 'Generic' as const,
    value: 'v',
    default_fields: [],
    source: 'app' as const,
    created_at: now,
    updated_at: now
  }
}

function user(id: string): UserRecord {
  const now = new Date().toISOString()
  return {
    id,
    username: id,
    password_hash: 'scrypt$x',
    is_active: true,
    is_superuser: false,
    profile_image: null,
    store_api_key: null,
    create_at: now,
    updated_at: now,
    last_login_at: null,
    token_generation: 0
  }
}

function apiKey(id: string, userId: string, hash: string): ApiKeyRecord {
  return {
    id,
    name: id,
    hash,
    prefix: 'sk-abcde',
    created_at: new Date().toISOString(),
    last_used_at: null,
    total_uses: 0,
    is_active: true,
    user_id: userId,
    expires_at: null,
    allowed_flows: null
  }
}

describe('data directory', () => {
  it('follows Electron userData for an app named FlowKeys', () => {
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe('/x/cfg/FlowKeys')
    expect(defaultDataDir('linux', {}, '/home/u')).toBe('/home/u/.config/FlowKeys')
    expect(defaultDataDir('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/FlowKeys')
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u')).toMatch(
      /Roaming[\\/]FlowKeys$/
    )
  })

  it('prefers --data-dir, then FLOWKEYS_DATA_DIR', () => {
    expect(resolveDataDir('/flag', { FLOWKEYS_DATA_DIR: '/env' })).toBe('/flag')
    expect(resolveDataDir(undefined, { FLOWKEYS_DATA_DIR: '/env' })).toBe('/env')
  })
})

describe('DataFile', () => {
  it('creates the folder 0700 and the file 0600 on the first write', async () => {
    const dir = freshDir()
    const store = DataFile.open(dir)
    expect(store.read().users).toEqual([])
    await store.update((d) => void d.variables.push(record('a')))
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, STORE_FILE)).mode & 0o777).toBe(0o600)
    const onDisk = JSON.parse(readFileSync(join(dir, STORE_FILE), 'utf8'))
    expect(onDisk.version).toBe(SCHEMA_VERSION)
    expect(onDisk.variables.map((v: { id: string }) => v.id)).toEqual(['a'])
  })

  it('writes the JSON of its data with a new write_id first, and re-reads before a write only what changed', async () => {
    const dir = freshDir()
    const file = join(dir, STORE_FILE)
    const store = DataFile.open(dir)
    await store.update((d) => void d.variables.push(record('a')))
    const first = store.read().write_id
    expect(first).toMatch(/^[0-9a-f]{32}$/)
    // Byte for byte what JSON.stringify makes of the data, write_id moved to the front.
    const { write_id, ...rest } = store.read()
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify({ write_id, ...rest }) + '\n')

    // Nothing changed on disk: the write does not re-read the file (one new generation: the write's own).
    let generation = store.generation
    await store.update((d) => void d.variables.push(record('b')))
    expect(store.generation).toBe(generation + 1)
    expect(store.read().write_id).not.toBe(first)

    // Another process (a second DataFile) wrote: the next write re-reads first, so its record is kept.
    await DataFile.open(dir).update((d) => void d.variables.push(record('other')))
    generation = store.generation
    await store.update((d) => void d.variables.push(record('c')))
    expect(store.generation).toBe(generation + 2)
    expect(store.read().variables.map((v) => v.id)).toEqual(['a', 'b', 'other', 'c'])

    // A hand edit that keeps the write_id is still seen (the file's stat changed).
    const edited = JSON.parse(readFileSync(file, 'utf8'))
    edited.variables.push(record('by-hand'))
    writeFileSync(file, JSON.stringify(edited))
    await store.update((d) => void d.variables.push(record('d')))
    expect(JSON.parse(readFileSync(file, 'utf8')).variables.map((v: { id: string }) => v.id)).toEqual([
      'a',
      'b',
      'other',
      'c',
      'by-hand',
      'd'
    ])
  })

  it("read() always sees another process's write; readChecked() trusts a check made in the same turn", async () => {
    const dir = freshDir()
    const store = DataFile.open(dir)
    const other = DataFile.open(dir)
    await other.update((d) => void d.variables.push(record('first')))
    await new Promise(setImmediate)
    expect(store.readChecked().variables.map((v) => v.id)).toEqual(['first'])
    await other.update((d) => void d.variables.push(record('second')))
    expect(store.readChecked().variables).toHaveLength(1) // checked earlier in this turn
    expect(store.read().variables).toHaveLength(2) // read() checks every time
    await other.update((d) => void d.variables.push(record('third')))
    await new Promise(setImmediate)
    expect(store.readChecked().variables).toHaveLength(3) // a new turn checks again
  })

  it('afterCheck: callbacks of one turn share one check, made after the call', async () => {
    const dir = freshDir()
    const file = join(dir, STORE_FILE)
    const store = DataFile.open(dir)
    const other = DataFile.open(dir)
    await other.update((d) => void d.variables.push(record('first')))
    expect(store.read().variables).toHaveLength(1)
    await other.update((d) => void d.variables.push(record('second')))
    // Another process replaces the file while the callbacks run (a write_id and a record of its own).
    const replaceFile = (): void => {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { write_id: string; variables: unknown[] }
      data.write_id = 'f'.repeat(32)
      data.variables.push(record('third'))
      writeFileSync(`${file}.next`, JSON.stringify(data))
      renameSync(`${file}.next`, file)
    }
    const seen: number[] = []
    await new Promise<void>((resolve) => {
      store.afterCheck(() => {
        seen.push(store.read().variables.length) // the check came after 'second'
        replaceFile()
      })
      store.afterCheck(() => {
        seen.push(store.read().variables.length) // the batch's check stands: no check per callback
        resolve()
      })
    })
    expect(seen).toEqual([2, 2])
    await new Promise<void>((resolve) =>
      store.afterCheck(() => (seen.push(store.read().variables.length), resolve()))
    )
    expect(seen.at(-1)).toBe(3) // a later call waits for a later check
  })

  // In a process of its own: the rethrow is an uncaught exception there, which vitest would report as an error.
  it('afterCheck: a broken file or a throwing callback still lets every callback run', () => {
    const result = spawnSync(
      process.execPath,
      [bundle('test/fixtures/store/after-check-throw.ts'), freshDir()],
      {
        encoding: 'utf8'
      }
    )
    expect(result.status, result.stderr).toBe(0)
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string)
    expect(lines).toHaveLength(3)
    expect(lines[0]).toBe('first')
    expect(lines[1]).toMatch(/^second: .*not valid JSON/) // the callback's own read met the broken file
    expect(lines[2]).toBe('uncaught: a bug in a callback') // thrown on its own, after the others ran
  })

  it('tightens an existing folder to 0700', () => {
    const dir = freshDir()
    mkdirSync(dir, { mode: 0o755 })
    DataFile.open(dir)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
  })

  it('records how long its last write took', async () => {
    const store = DataFile.open(freshDir())
    expect(store.lastWriteMs).toBe(0)
    await store.update((d) => void d.variables.push(record('timed')))
    expect(store.lastWriteMs).toBeGreaterThan(0)
  })

  it("sees another instance's writes on the next read", async () => {
    const dir = freshDir()
    const a = DataFile.open(dir)
    const b = DataFile.open(dir)
    await a.update((d) => void d.variables.push(record('from-a')))
    expect(b.changedOnDisk()).toBe(true)
    expect(b.read().variables.map((v) => v.id)).toEqual(['from-a'])
    await b.update((d) => void d.variables.push(record('from-b')))
    expect(a.read().variables.map((v) => v.id)).toEqual(['from-a', 'from-b'])
  })

  it('writes nothing when the update throws', async () => {
    const dir = freshDir()
    const store = DataFile.open(dir)
    await store.update((d) => void d.variables.push(record('keep')))
    const before = readFileSync(join(dir, STORE_FILE))
    await expect(
      store.update((d) => {
        d.variables.length = 0
        throw new Error('refused')
      })
    ).rejects.toThrow('refused')
    expect(readFileSync(join(dir, STORE_FILE))).toEqual(before)
    expect(store.read().variables.map((v) => v.id)).toEqual(['keep'])
  })

  it('leaves no temporary or lock file behind', async () => {
    const dir = freshDir()
    const store = DataFile.open(dir)
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.update((d) => void d.variables.push(record(`r${i}`))))
    )
    expect(readdirSync(dir).sort()).toEqual([STORE_FILE])
    expect(store.read().variables).toHaveLength(20)
  })

  it('takes over a lock left by a dead process at once', async () => {
    const dir = freshDir()
    const store = DataFile.open(dir, { lockTimeoutMs: 2_000 })
    // pid 2^22+1 is above Linux's pid_max default range of live processes here.
    writeFileSync(
      join(dir, `${STORE_FILE}.lock`),
      JSON.stringify({ pid: 4_194_305, host: (await import('node:os')).hostname(), token: 't' })
    )
    await store.update((d) => void d.variables.push(record('after-crash')))
    expect(store.read().variables).toHaveLength(1)
  })

  it('waits for a live lock and then reports it clearly', async () => {
    const dir = freshDir()
    const store = DataFile.open(dir, { lockTimeoutMs: 300 })
    writeFileSync(
      join(dir, `${STORE_FILE}.lock`),
      JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname(), token: 't' })
    )
    await expect(store.update(() => undefined)).rejects.toThrow(
      /locked by another FlowKeys process \(pid \d+\)/
    )
  })
})

describe('JsonStore.keyByHash (the key check)', () => {
  it('refuses a key revoked by another process from the next lookup', async () => {
    const dir = freshDir()
    const store = JsonStore.open(dir)
    const other = JsonStore.open(dir)
    await other.insertUser(user('u'))
    await other.insertKey(apiKey('k1', 'u', 'h1'))
    await other.insertKey(apiKey('k2', 'u', 'h2'))
    const found = await store.keyByHash('h1')
    expect(found?.key.id).toBe('k1')
    expect(found?.user.id).toBe('u')
    await other.deleteKeys(['k1'])
    expect(await store.keyByHash('h1')).toBeNull()
    expect((await store.keyByHash('h2'))?.key.id).toBe('k2')
  })

  it('waits for a check of the file made after the call, even when this turn already checked it', async () => {
    const dir = freshDir()
    const file = join(dir, STORE_FILE)
    const store = JsonStore.open(dir)
    await store.insertUser(user('u'))
    await store.insertKey(apiKey('k', 'u', 'h'))
    // What another process's revocation leaves: the file without the key, under a write_id of its own.
    const revoked = JSON.parse(readFileSync(file, 'utf8')) as { write_id: string; api_keys: unknown[] }
    revoked.write_id = 'e'.repeat(32)
    revoked.api_keys = []
    writeFileSync(`${file}.next`, JSON.stringify(revoked))
    await new Promise(setImmediate)
    // In one turn: a read checks the file (the key is there), the revocation lands, then two key checks start.
    expect(await store.keyById('k')).toBeDefined()
    renameSync(`${file}.next`, file)
    expect(await Promise.all([store.keyByHash('h'), store.keyByHash('h')])).toEqual([null, null])
  })
})

describe('a broken store file', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['invalid JSON', '{"version":1,"users":[', /not valid JSON/],
    [
      'a truncated file',
      '{"version":1,"vault_id":null,"vault_check":null,"users":[],"api_keys":[],"variab',
      /not valid JSON/
    ],
    ['an empty file', '', /empty/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    [
      'a collection of the wrong type',
      '{"version":1,"users":{},"api_keys":[],"variables":[]}',
      /"users" is not a list/
    ],
    [
      'a record without an id',
      '{"version":1,"users":[],"api_keys":[{"name":"x"}],"variables":[]}',
      /"api_keys"\[0\]/
    ],
    [
      'a newer schema',
      `{"version":${SCHEMA_VERSION + 1},"users":[],"api_keys":[],"variables":[]}`,
      /newer FlowKeys/
    ],
    ['binary junk', '\u0000\u0001\u00ff garbage', /not valid JSON/]
  ]

  it.each(cases)(
    '%s is reported with the file name and left byte-for-byte intact',
    async (_name, text, reason) => {
      const dir = freshDir()
      mkdirSync(dir, { recursive: true })
      const file = join(dir, STORE_FILE)
      writeFileSync(file, text)
      const before = readFileSync(file)
      let error: unknown
      try {
        DataFile.open(dir)
      } catch (err) {
        error = err
      }
      expect(error).toBeInstanceOf(Corrupt)
      const message = (error as Error).message
      expect(message).toContain(file)
      expect(message).toMatch(reason)
      expect(message).not.toContain('\n')
      expect(readFileSync(file)).toEqual(before)
    }
  )

  it('is never replaced by a write from a store opened before it broke', async () => {
    const dir = freshDir()
    const store = DataFile.open(dir)
    await store.update((d) => void d.variables.push(record('x')))
    const file = join(dir, STORE_FILE)
    writeFileSync(file, '{"broken":')
    await expect(store.update((d) => void d.variables.push(record('y')))).rejects.toBeInstanceOf(Corrupt)
    expect(readFileSync(file, 'utf8')).toBe('{"broken":')
  })
})

describe('migrations', () => {
  it('brings an unversioned store to the current schema and keeps a backup of the old file', async () => {
    const dir = freshDir()
    mkdirSync(dir, { recursive: true })
    const file = join(dir, STORE_FILE)
    const legacy = JSON.stringify({ users: [], api_keys: [], variables: [record('old')] })
    writeFileSync(file, legacy)
    const store = DataFile.open(dir)
    expect(store.read().version).toBe(SCHEMA_VERSION)
    expect(store.read().variables.map((v) => v.id)).toEqual(['old'])
    await store.update((d) => void d.variables.push(record('new')))
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(SCHEMA_VERSION)
    expect(readFileSync(`${file}.v0.bak`, 'utf8')).toBe(legacy)
  })

  it('brings a version 1 store to the current version (write_id at the head of the file), keeping the v1 file', async () => {
    const dir = freshDir()
    mkdirSync(dir, { recursive: true })
    const file = join(dir, STORE_FILE)
    const v1 = JSON.stringify({
      version: 1,
      vault_id: null,
      vault_check: null,
      users: [],
      api_keys: [],
      variables: [record('kept')]
    })
    writeFileSync(file, v1)
    const store = DataFile.open(dir)
    expect(store.read()).toMatchObject({ version: SCHEMA_VERSION, write_id: null })
    await store.update((d) => void d.variables.push(record('added')))
    const text = readFileSync(file, 'utf8')
    expect(text).toMatch(new RegExp(`^\\{"write_id":"[0-9a-f]{32}","version":${SCHEMA_VERSION},`))
    expect(JSON.parse(text).variables.map((v: { id: string }) => v.id)).toEqual(['kept', 'added'])
    expect(readFileSync(`${file}.v1.bak`, 'utf8')).toBe(v1)
  })

  it('gives every user of a version 2 store a token generation of 0 (version 3)', () => {
    const user = { id: 'u', username: 'a' }
    const { data } = migrate(
      { version: 2, write_id: null, users: [user], api_keys: [], variables: [] },
      MIGRATIONS,
      3
    )
    expect(data).toMatchObject({ version: 3, users: [{ id: 'u', username: 'a', token_generation: 0 }] })
  })

  it('gives every key of a version 3 store no flow limit (version 4)', () => {
    const key = { id: 'k', name: 'ci' }
    const { data } = migrate(
      { version: 3, write_id: null, users: [], api_keys: [key], variables: [] },
      MIGRATIONS,
      4
    )
    expect(data).toMatchObject({ version: 4, api_keys: [{ id: 'k', name: 'ci', allowed_flows: null }] })
  })

  it('runs each step in order and refuses a gap', () => {
    const steps: Migration[] = [
      { to: 1, up: (d) => ({ ...d, version: 1, trail: ['1'] }) },
      { to: 2, up: (d) => ({ ...d, version: 2, trail: [...(d.trail as string[]), '2'] }) }
    ]
    expect(migrate({}, steps, 2)).toEqual({
      data: { version: 2, trail: ['1', '2'] },
      from: 0,
      migrated: true
    })
    expect(migrate({ version: 2 }, steps, 2).migrated).toBe(false)
    expect(() => migrate({ version: 0 }, [steps[1] as Migration], 2)).toThrow(
      /no migration to schema version 1/
    )
  })
})
