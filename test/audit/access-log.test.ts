import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ACCESS_LOG_FILE, AccessLog } from '../../src/main/audit/access-log'
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
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(4)
    const again = new AccessLog(dir, { keep: 10 })
    expect(again.recent().map((e) => e.path)).toEqual(['/d', '/c', '/b', '/a'])
    expect(again.recent(10, (e) => e.path === '/b')).toHaveLength(1)
  })

  it('rotates by size and survives a torn last line', () => {
    const dir = tempDir()
    const file = join(dir, ACCESS_LOG_FILE)
    writeFileSync(file, '{"time":"t","kind":"request","path":"/ok"}\n{"time":"t","kin')
    const log = new AccessLog(dir, { maxBytes: 300 })
    expect(log.recent().map((e) => e.path)).toEqual(['/ok'])
    for (let i = 0; i < 10; i++) log.record({ kind: 'credential', variable: `V${i}`, outcome: 'served' })
    expect(statSync(file).size).toBeLessThanOrEqual(300)
    expect(readFileSync(`${file}.1`, 'utf8').length).toBeGreaterThan(0)
  })
})
