import { spawn } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DataFile, STORE_FILE, parseStore } from '../../src/main/store/data-file'
import { bundle } from '../helpers/bundle'
import { tempDir } from '../helpers/tmp'

const writer = bundle('test/store/fixtures/writer.ts')

function runWriter(dir: string, tag: string, from: number, count: number, pad = 0) {
  const child = spawn(process.execPath, [writer, dir, tag, String(from), String(count), String(pad)], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const acked: number[] = []
  let onAck: () => void = () => undefined
  const firstAck = new Promise<void>((resolve) => (onAck = resolve))
  let buf = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    buf += chunk.toString()
    const lines = buf.split('\n')
    buf = lines.pop() ?? ''
    for (const line of lines) if (line.startsWith('ack ')) acked.push(Number(line.slice(4)))
    if (acked.length) onAck()
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal }))
  )
  return { child, acked, firstAck, exited, stderr: () => stderr }
}

describe('store under crashes', () => {
  it('a writer killed with SIGKILL 50 times mid-write leaves a file that parses and holds every acknowledged write', async () => {
    const dir = tempDir()
    const acknowledged = new Set<number>()
    let next = 0
    let killedMidRun = 0
    let killedInsideWrite = 0
    for (let round = 0; round < 50; round++) {
      // 4 KB per record: by the later rounds each write moves hundreds of KB, so kills land inside writes.
      const w = runWriter(dir, 'w', next, 10_000, 4096)
      // Kill only once the writer is writing, at a random point of its stream of writes.
      await w.firstAck
      await new Promise((r) => setTimeout(r, Math.random() * 40))
      w.child.kill('SIGKILL')
      const { signal } = await w.exited
      if (signal === 'SIGKILL') killedMidRun++
      // A temporary file left behind proves the kill landed inside a write.
      if (readdirSync(dir).some((name) => name.includes('.tmp-'))) killedInsideWrite++
      for (const n of w.acked) acknowledged.add(n)
      const text = readFileSync(join(dir, STORE_FILE), 'utf8')
      const ids = new Set(parseStore(join(dir, STORE_FILE), text).data.variables.map((v) => v.id))
      for (const n of acknowledged) expect(ids.has(`w-${n}`)).toBe(true)
      // The next writer continues after the last record on disk, acknowledged or not.
      next = Math.max(next, ...[...ids].map((id) => Number(id.slice(2)) + 1))
    }
    expect(killedMidRun).toBe(50)
    expect(killedInsideWrite).toBeGreaterThan(5)
    expect(acknowledged.size).toBeGreaterThan(50)
    // The store still works after all that: a fresh open reads it and a write succeeds.
    const store = DataFile.open(dir)
    await store.update((d) => void d.variables.push({ ...d.variables[0]!, id: 'final' }))
    expect(store.read().variables.length).toBeGreaterThanOrEqual(acknowledged.size)
  }, 180_000)
})

describe('store under concurrency', () => {
  it('two processes doing 200 writes each lose none', async () => {
    const dir = tempDir()
    const a = runWriter(dir, 'a', 0, 200)
    const b = runWriter(dir, 'b', 0, 200)
    const [ea, eb] = await Promise.all([a.exited, b.exited])
    expect(ea.code, a.stderr()).toBe(0)
    expect(eb.code, b.stderr()).toBe(0)
    const ids = DataFile.open(dir)
      .read()
      .variables.map((v) => v.id)
    expect(ids).toHaveLength(400)
    for (let n = 0; n < 200; n++) {
      expect(ids).toContain(`a-${n}`)
      expect(ids).toContain(`b-${n}`)
    }
  }, 120_000)
})
