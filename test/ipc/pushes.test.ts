// Main → renderer pushes: every payload is validated (and stripped of unlisted fields) before it is sent; the
// bridge's event hub refuses unknown names and hands listeners the payload only; the store watcher tells another
// process's write of the JSON store, and not this process's own (the write_id echo filter).
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AccessLog } from '../../src/main/audit/access-log'
import { pushService, wirePushes, type SendPush } from '../../src/main/ipc/pushes'
import { observeServer } from '../../src/main/ipc/server-controller'
import type { ServerController } from '../../src/main/ipc/services'
import { DataFile, replacedWriteId, STORE_FILE } from '../../src/main/store/data-file'
import { watchStoreFile } from '../../src/main/store/file-watch'
import { readWriteId } from '../../src/main/store/store-json'
import { eventHub } from '../../src/shared/bridge'
import { EVENTS, events, isEvent, PUSH_CHANNEL, type EventName } from '../../src/shared/ipc'
import { tempDir } from '../helpers/tmp'

const DEBOUNCE_MS = 30
/** Whether this process wrote the store file's version with this write_id. */
const wroteWriteId = (file: string, id: string): boolean => replacedWriteId(file, id) !== undefined
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

function recorder(): { send: SendPush; sent: { event: EventName; payload: unknown }[] } {
  const sent: { event: EventName; payload: unknown }[] = []
  return { sent, send: (event, payload) => sent.push({ event, payload }) }
}

const STATUS = { running: true, url: 'http://127.0.0.1:7861', port: 7861, lastError: null }

describe('the push contract', () => {
  it('gives every event a payload schema, and its names are not request channels', () => {
    expect(Object.keys(events).sort()).toEqual([...EVENTS].sort())
    for (const event of EVENTS) expect(isEvent(event)).toBe(true)
    expect(isEvent('keys:list')).toBe(false)
    expect(isEvent(PUSH_CHANNEL)).toBe(false)
  })
})

describe('pushService', () => {
  it('sends a valid payload, parsed through its schema', () => {
    const { send, sent } = recorder()
    const push = pushService(send, () => undefined)
    push('server:changed', STATUS)
    push('store:changed', { what: 'all' })
    expect(sent).toEqual([
      { event: 'server:changed', payload: STATUS },
      { event: 'store:changed', payload: { what: 'all' } }
    ])
  })

  it('strips what the schema does not list: an access entry never carries a key id, user id or key', () => {
    const { send, sent } = recorder()
    const push = pushService(send, () => undefined)
    const secret = `sk-${randomBytes(32).toString('base64url')}`
    push('access:entry', {
      time: '2025-01-01T00:00:00.000Z',
      method: 'GET',
      path: '/api/v1/users/whoami',
      keyName: 'laptop',
      status: 200,
      keyId: 'k1',
      userId: 'u1',
      api_key: secret
    } as never)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.payload).toEqual({
      time: '2025-01-01T00:00:00.000Z',
      method: 'GET',
      path: '/api/v1/users/whoami',
      keyName: 'laptop',
      status: 200
    })
    expect(JSON.stringify(sent)).not.toContain(secret)
  })

  it('drops an invalid payload, logging the event and the rule, never the value', () => {
    const { send, sent } = recorder()
    const log = vi.fn<(message: string) => void>()
    const push = pushService(send, log)
    push('server:changed', { ...STATUS, port: 'sk-not-a-port' } as never)
    push('store:changed', { what: 'everything' } as never)
    push('access:entry', { method: 'GET' } as never)
    expect(sent).toEqual([])
    expect(log).toHaveBeenCalledTimes(3)
    expect(log.mock.calls[0]![0]).toMatch(/server:changed.*port/)
    expect(log.mock.calls.join('\n')).not.toContain('sk-not-a-port')
  })

  it('survives a send that throws (the window is gone)', () => {
    const log = vi.fn<(message: string) => void>()
    const push = pushService(() => {
      throw new Error('Object has been destroyed')
    }, log)
    expect(() => push('store:changed', { what: 'all' })).not.toThrow()
    expect(log).toHaveBeenCalledOnce()
  })
})

describe('the bridge event hub (window.flowkeys.on)', () => {
  it('hands each listener the payload only, until it unsubscribes', () => {
    const hub = eventHub()
    const heard: unknown[][] = []
    const stop = hub.on('server:changed', (...args: unknown[]) => heard.push(args))
    hub.dispatch('server:changed', STATUS)
    stop()
    hub.dispatch('server:changed', STATUS)
    expect(heard).toEqual([[STATUS]])
  })

  it('refuses an unknown event name, and ignores a push of one', () => {
    const hub = eventHub()
    expect(() => hub.on('keys:list' as EventName, () => undefined)).toThrow(/Unknown FlowKeys event/)
    expect(() => hub.on('__proto__' as EventName, () => undefined)).toThrow(/Unknown FlowKeys event/)
    const listener = vi.fn()
    hub.on('store:changed', listener)
    hub.dispatch('keys:list', { what: 'all' })
    hub.dispatch(undefined, { what: 'all' })
    expect(listener).not.toHaveBeenCalled()
  })

  it('keeps telling the other listeners when one throws', () => {
    const hub = eventHub()
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const second = vi.fn()
    hub.on('store:changed', () => {
      throw new Error('boom')
    })
    hub.on('store:changed', second)
    hub.dispatch('store:changed', { what: 'all' })
    expect(second).toHaveBeenCalledWith({ what: 'all' })
    error.mockRestore()
  })
})

describe('server:changed from the controller', () => {
  it('tells the status after every start and stop, a failed start included', async () => {
    let running = false
    const inner: ServerController = {
      status: () => ({ ...STATUS, running, lastError: running ? null : 'port in use' }),
      start: async () => {
        throw new Error('unexpected')
      },
      stop: async () => {
        running = false
        return inner.status()
      },
      accessLog: () => [],
      errors: () => []
    }
    const heard: unknown[] = []
    const server = observeServer(inner, (status) => heard.push(status))
    await expect(server.start()).rejects.toThrow('unexpected')
    await server.stop()
    expect(heard).toEqual([
      { ...STATUS, running: false, lastError: 'port in use' },
      { ...STATUS, running: false, lastError: 'port in use' }
    ])
  })
})

describe('access:entry from the access log', () => {
  it('pushes each request as server:accessLog shows it, and nothing else the log records', () => {
    const log = new AccessLog(null)
    const { send, sent } = recorder()
    const stop = wirePushes(
      { accessLog: log, store: { watchOthers: () => () => undefined } },
      pushService(send, () => undefined)
    )
    log.recordRequest({
      time: '2025-01-01T00:00:00.000Z',
      method: 'POST',
      path: '/api/v1/run/flow?x-api-key=sk-secret',
      status: 201,
      keyId: 'k1',
      keyName: 'laptop',
      userId: 'u1'
    })
    log.record({ kind: 'credential', keyId: 'k1', keyName: 'laptop', variable: 'OPENAI', outcome: 'served' })
    stop()
    log.recordRequest({ time: '2025-01-01T00:00:01.000Z', method: 'GET', path: '/health', status: 200 })
    expect(sent).toEqual([
      {
        event: 'access:entry',
        payload: {
          time: '2025-01-01T00:00:00.000Z',
          method: 'POST',
          path: '/api/v1/run/flow',
          keyName: 'laptop',
          status: 201
        }
      }
    ])
  })
})

/** Replaces the store file from another OS process, as the CLI does (a temp file renamed over it). */
function writeFromAnotherProcess(file: string, writeId: string): void {
  const text = JSON.stringify({ write_id: writeId, users: [], api_keys: [], variables: [] }) + '\n'
  const script = `const fs = require('node:fs'); const [file, text] = process.argv.slice(1);
fs.writeFileSync(file + '.tmp-other', text, { mode: 0o600 }); fs.renameSync(file + '.tmp-other', file)`
  const result = spawnSync(process.execPath, ['-e', script, file, text], { encoding: 'utf8' })
  expect(result.status, result.stderr).toBe(0)
}

/** Waits long enough for the watcher to have told a change (several debounce periods). */
const settle = (): Promise<void> => sleep(DEBOUNCE_MS * 8)

async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting')
    await sleep(10)
  }
}

/** The JSON store's watch of its file (JsonStore.watchOthers), over a DataFile the test writes through. */
const fileStore = (file: string) => ({
  watchOthers: (changed: () => void, options?: { debounceMs?: number }) =>
    watchStoreFile(file, changed, options)
})

describe('store:changed from the JSON store file (the write_id echo filter)', () => {
  let stop: (() => void) | undefined
  afterEach(() => stop?.())

  function watched(dir: string): { file: DataFile; sent: { event: EventName; payload: unknown }[] } {
    const file = DataFile.open(dir)
    const { send, sent } = recorder()
    stop = wirePushes(
      { accessLog: new AccessLog(null), store: fileStore(file.file) },
      pushService(send, () => undefined),
      { debounceMs: DEBOUNCE_MS }
    )
    return { file, sent }
  }

  it('remembers the write_ids this process wrote, and only those', async () => {
    const dir = tempDir('flowkeys-push-')
    const file = DataFile.open(dir)
    await file.update((data) => {
      data.variables = []
    })
    const id = readWriteId(join(dir, STORE_FILE))
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    expect(wroteWriteId(file.file, id!)).toBe(true)
    expect(wroteWriteId(file.file, 'f'.repeat(32))).toBe(false)
    expect(wroteWriteId(join(tempDir('flowkeys-push-'), STORE_FILE), id!)).toBe(false)
  })

  it("does not echo this process's own writes", async () => {
    const { file, sent } = watched(tempDir('flowkeys-push-'))
    for (let i = 0; i < 3; i++) {
      await file.update((data) => {
        data.variables = []
      })
      await settle()
    }
    expect(sent).toEqual([])
  })

  it("pushes another process's write, once per write", async () => {
    const { file, sent } = watched(tempDir('flowkeys-push-'))
    await file.update((data) => {
      data.variables = []
    })
    writeFromAnotherProcess(file.file, randomBytes(16).toString('hex'))
    await eventually(() => sent.length === 1)
    expect(sent).toEqual([{ event: 'store:changed', payload: { what: 'all' } }])
    writeFromAnotherProcess(file.file, randomBytes(16).toString('hex'))
    await eventually(() => sent.length === 2)
    // Its own write afterwards is not another change.
    await file.update((data) => {
      data.variables = []
    })
    await settle()
    expect(sent).toHaveLength(2)
  })

  it("tells another process's write that this process wrote over within the debounce", async () => {
    const dir = tempDir('flowkeys-push-')
    const file = DataFile.open(dir)
    const { send, sent } = recorder()
    stop = wirePushes(
      { accessLog: new AccessLog(null), store: fileStore(file.file) },
      pushService(send, () => undefined),
      { debounceMs: 1_000 }
    )
    await file.update((data) => {
      data.variables = []
    })
    await sleep(1_200)
    // The CLI writes, and the app writes right after (a key's usage): the head is the app's own write.
    writeFromAnotherProcess(file.file, randomBytes(16).toString('hex'))
    await file.update((data) => {
      data.variables = []
    })
    expect(wroteWriteId(file.file, readWriteId(file.file)!)).toBe(true)
    await eventually(() => sent.length === 1)
    await sleep(1_200)
    expect(sent).toEqual([{ event: 'store:changed', payload: { what: 'all' } }])
  })

  it("tells a version this process wrote copied back over another process's (the window shows the other)", async () => {
    const { file, sent } = watched(tempDir('flowkeys-push-'))
    await file.update((data) => {
      data.variables = []
    })
    await settle()
    const own = readWriteId(file.file)!
    writeFromAnotherProcess(file.file, randomBytes(16).toString('hex'))
    await eventually(() => sent.length === 1)
    writeFromAnotherProcess(file.file, own)
    await eventually(() => sent.length === 2)
    await settle()
    expect(sent).toHaveLength(2)
  })

  it('ignores the other files of the data folder', async () => {
    const { file, sent } = watched(tempDir('flowkeys-push-'))
    writeFromAnotherProcess(join(file.dataDir, 'access.log'), randomBytes(16).toString('hex'))
    await settle()
    expect(sent).toEqual([])
  })
})
