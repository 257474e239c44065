// The key server's errors and warnings in the app (src/main/ipc/server-problems.ts): to server.log (0600) and
// to the Server page, never with a key in them.
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { serverProblemLog } from '../../src/main/ipc/server-problems'
import { tempDir } from '../helpers/tmp'

const KEY = 'sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg'
const entry = (message: string) => ({ time: '2025-01-01T00:00:00.000Z', method: 'GET', path: '/x', message })

describe('the server problem log', () => {
  it('writes errors and warnings to server.log (0600) and keeps them newest first', () => {
    const dir = tempDir()
    const echoed: string[] = []
    const log = serverProblemLog(dir, { echo: (line) => echoed.push(line) })
    log.sink.error!(entry('first'))
    log.sink.warn!('second')

    const file = join(dir, 'server.log')
    expect(log.file).toBe(file)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    expect(lines).toEqual([
      expect.stringMatching(/ERROR GET \/x: first$/),
      expect.stringMatching(/WARN second$/)
    ])
    expect(echoed).toEqual(lines)
    expect(log.recent(10).map((problem) => [problem.level, problem.message])).toEqual([
      ['warn', 'second'],
      ['error', 'GET /x: first']
    ])
    expect(log.recent(1)).toHaveLength(1)
  })

  it('never writes or shows a key-shaped value, nor a control character', () => {
    const dir = tempDir()
    const log = serverProblemLog(dir)
    log.sink.error!(entry(`bad ${KEY}\u001b[2J`))
    log.sink.warn!(`also ${KEY}`)
    const written = readFileSync(join(dir, 'server.log'), 'utf8')
    const shown = JSON.stringify(log.recent(10))
    for (const text of [written, shown]) {
      expect(text).not.toContain(KEY)
      expect(text).toContain('[redacted]')
      expect(text).not.toContain('\u001b')
    }
  })

  it('rotates a full file to server.log.1', () => {
    const dir = tempDir()
    const file = join(dir, 'server.log')
    writeFileSync(file, 'x'.repeat(1024 * 1024 + 1))
    serverProblemLog(dir).sink.warn!('after the rotation')
    expect(statSync(`${file}.1`).size).toBe(1024 * 1024 + 1)
    expect(readFileSync(file, 'utf8')).toMatch(/WARN after the rotation\n$/)
  })

  it('keeps the entries in memory when the file cannot be written, and says so once', () => {
    const warned: string[] = []
    const log = serverProblemLog(join(tempDir(), 'missing-folder'), {
      warn: (message) => warned.push(message)
    })
    log.sink.warn!('one')
    log.sink.warn!('two')
    expect(warned).toHaveLength(1)
    expect(log.recent(10)).toHaveLength(2)
  })
})
