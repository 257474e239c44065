import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import {
  ACCESS_LOG_FILE,
  type AccessEntry,
  AccessLog,
  type RequestEntry
} from '../../src/main/audit/access-log'
import { bundle } from '../helpers/bundle'
import { tempDir } from '../helpers/tmp'

describe('access log', () => {
  it('keeps recent entries newest first, appends JSON lines to a 0600 file, and reloads them', () => {
    const dir = tempDir()
    const log = new AccessLog(dir, { keep: 3 })
    const heard: string[] = []
    log.onEntry((e) => heard.push(e.path ?? ''))
    for (const path of ['/a', '/b', '/c', '/d'])
      log.record({ kind: 'request', method: 'GET', path, status: 200 })
    expect(log.recent().map((e) => e.path)).toEqual(['/d', '/c', '/b'])
    expect(heard).toEqual(['/a', '/b', '/c', '/d'])
    const file = join(dir, ACCESS_LOG_FILE)
    log.flush()
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(4)
    const again = new AccessLog(dir, { keep: 10 })
    expect(again.recent().map((e) => e.path)).toEqual(['/d', '/c', '/b', '/a'])
    expect(again.recent(10, (e) => e.path === '/b')).toHaveLength(1)
  })

  it("writes a key server request's line as JSON.stringify would, each field and null told apart", () => {
    const dir = tempDir()
    const log = new AccessLog(dir)
    const heard: AccessEntry[] = []
    log.onEntry((e) => heard.push(e))
    const first: RequestEntry = {
      kind: 'request',
      time: '2026-01-01T00:00:00.000Z',
      method: 'GET',
      path: '/api/v1/variables/',
      status: 200,
      keyId: 'k1',
      keyName: 'my "key" é',
      userId: 'u1'
    }
    const entries: RequestEntry[] = [
      first,
      { ...first, time: '2026-01-01T00:00:00.001Z' },
      { ...first, time: '2026-01-01T00:00:00.001Z', keyName: null },
      { ...first, keyName: '' },
      { ...first, keyId: null, keyName: null, userId: null, status: 403 },
      { ...first, keyId: '', keyName: null, userId: null, status: 403 },
      { ...first, method: 'DELETE', path: '/api/v1/api_key/x' },
      first
    ]
    for (const entry of entries) log.recordRequest(entry)
    log.flush()
    const lines = readFileSync(join(dir, ACCESS_LOG_FILE), 'utf8').trim().split('\n')
    expect(lines).toEqual(entries.map((entry) => JSON.stringify(entry)))
    expect(heard).toEqual(entries)
    expect(log.recent(1)[0]).toEqual(first)

    const inMemory = new AccessLog(null)
    inMemory.recordRequest(first)
    expect(inMemory.recent()).toEqual([first])
  })

  it('writes a request whose key, name or user is left out with null there, and gives listeners the whole entry', () => {
    const dir = tempDir()
    const log = new AccessLog(dir)
    const heard: AccessEntry[] = []
    const anonymous = { time: '2026-01-01T00:00:00.000Z', method: 'GET', path: '/health', status: 200 }
    const whole: RequestEntry = { kind: 'request', ...anonymous, keyId: null, keyName: null, userId: null }
    log.recordRequest(anonymous) // nobody listens yet
    log.onEntry((e) => heard.push(e))
    log.recordRequest({ ...anonymous, keyId: 'k1', userId: 'u1' })
    log.recordRequest(anonymous) // after another request: not the previous line again
    log.flush()
    const lines = readFileSync(join(dir, ACCESS_LOG_FILE), 'utf8').split('\n')
    const named = { ...whole, keyId: 'k1', userId: 'u1' }
    expect(lines).toEqual([whole, named, whole].map((entry) => JSON.stringify(entry)).concat(''))
    expect(heard).toStrictEqual([named, whole])
    expect(log.recent(5)).toEqual([whole, named, whole])
  })

  it('rotates by size and survives a torn last line', () => {
    const dir = tempDir()
    const file = join(dir, ACCESS_LOG_FILE)
    writeFileSync(file, '{"time":"t","kind":"request","path":"/ok"}\n{"time":"t","kin')
    const log = new AccessLog(dir, { maxBytes: 300 })
    expect(log.recent().map((e) => e.path)).toEqual(['/ok'])
    for (let i = 0; i < 10; i++) log.record({ kind: 'credential', variable: `V${i}`, outcome: 'served' })
    log.flush()
    expect(statSync(file).size).toBeLessThanOrEqual(300)
    expect(readFileSync(`${file}.1`, 'utf8').length).toBeGreaterThan(0)
    // The torn line stays alone: every other line of both files is a whole entry.
    const lines = [file, `${file}.1`].flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean))
    expect(lines.filter((line) => line !== '{"time":"t","kin').every((line) => JSON.parse(line))).toBe(true)
    // recent() reads the newest entries back from the file and, past its start, from the rotated one.
    const names = log.recent(100).map((e) => e.variable)
    expect(names[0]).toBe('V9')
    expect(names.length).toBeGreaterThan(readFileSync(file, 'utf8').trim().split('\n').length)
    expect(names).toEqual(names.map((_, i) => `V${9 - i}`))
  })

  it('shows entries not yet written, and keeps nothing in memory without a data directory but the last ones', () => {
    const dir = tempDir()
    const log = new AccessLog(dir, { keep: 5 })
    for (let i = 0; i < 3; i++) log.record({ kind: 'request', method: 'GET', path: `/p${i}`, status: 200 })
    expect(readFileSync(join(dir, ACCESS_LOG_FILE), { flag: 'a+' }).length).toBe(0) // still pending
    expect(log.recent(10, (e) => e.path !== '/p1').map((e) => e.path)).toEqual(['/p2', '/p0'])
    log.close()

    const inMemory = new AccessLog(null, { keep: 2 })
    for (let i = 0; i < 5; i++)
      inMemory.record({ kind: 'request', method: 'GET', path: `/m${i}`, status: 200 })
    expect(inMemory.recent().map((e) => e.path)).toEqual(['/m4', '/m3'])
  })

  it('writes entries in batches: soon by itself, at once on flush or close, and before the process exits', async () => {
    const dir = tempDir()
    const file = join(dir, ACCESS_LOG_FILE)
    const log = new AccessLog(dir)
    log.record({ kind: 'request', method: 'GET', path: '/soon', status: 200 })
    expect(log.recent()[0]?.path).toBe('/soon') // the app sees it at once
    await vi.waitFor(() => expect(readFileSync(file, 'utf8')).toContain('"/soon"'), { timeout: 5_000 })
    log.record({ kind: 'request', method: 'GET', path: '/closed', status: 200 })
    log.close()
    expect(readFileSync(file, 'utf8')).toContain('"/closed"')

    // A process that exits right after an entry (no close, timer pending) still leaves it in the file.
    const script = `import { AccessLog } from ${JSON.stringify(bundle('src/main/audit/access-log.ts'))}
      new AccessLog(${JSON.stringify(dir)}).record({ kind: 'request', method: 'GET', path: '/exit', status: 200 })
      process.exit(0)`
    execFileSync(process.execPath, ['--input-type=module', '-e', script])
    expect(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).path)
    ).toEqual(['/soon', '/closed', '/exit'])
  })

  it('says once when it cannot write its file, and when it can again, with how many entries were lost', () => {
    const dir = tempDir()
    const file = join(dir, ACCESS_LOG_FILE)
    const warnings: string[] = []
    const log = new AccessLog(dir, { warn: (message) => warnings.push(message) })
    // Not a file any more: every append fails (as a full disk or a removed folder would), even for root.
    mkdirSync(file)
    log.record({ kind: 'request', method: 'GET', path: '/lost-1', status: 200 })
    log.flush()
    log.record({ kind: 'request', method: 'GET', path: '/lost-2', status: 200 })
    log.record({ kind: 'request', method: 'GET', path: '/lost-3', status: 200 })
    log.flush()
    expect(warnings).toEqual([
      `access log: cannot write ${file} (EISDIR); its entries are dropped until it can`
    ])

    rmdirSync(file)
    log.record({ kind: 'request', method: 'GET', path: '/kept', status: 200 })
    log.close()
    expect(warnings).toHaveLength(2)
    expect(warnings[1]).toBe(`access log: writing ${file} again; 3 entries were lost`)
    expect(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).path)
    ).toEqual(['/kept'])
  })
})
