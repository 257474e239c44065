// The driver that runs the BUILT main process (out/main/index.js) under plain Node, one fresh process per
// launch, with `electron` resolved to the recording fake (./electron.ts, bundled; ./register.mjs installs the
// resolution hook). Commands and answers travel over the Node IPC channel.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { bundle } from '../../helpers/bundle'
import type { Exit, Launch, LaunchOptions, RunningApp } from '../driver'
import type { FakeCommand, FakeReply, FakeRequest, FakeSnapshot, InvokeOutcome } from './protocol'

const root = resolve(import.meta.dirname, '../../..')
export const MAIN_ENTRY = join(root, 'out', 'main', 'index.js')
const REGISTER = join(import.meta.dirname, 'register.mjs')

/** `npm test` builds before vitest; a lone run of this suite builds when out/ is missing. */
function ensureBuilt(): void {
  if (existsSync(MAIN_ENTRY) && existsSync(join(root, 'out', 'renderer', 'index.html'))) return
  const result = spawnSync('bash', [join(root, 'scripts/build.sh'), '--logLevel', 'warn'], {
    stdio: 'inherit'
  })
  if (result.status !== 0) throw new Error('the build (scripts/build.sh) failed')
}

/** The test's environment without FlowKeys' and Langflow's settings (a vault key would bypass the keychain). */
function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(FLOWKEYS_|LANGFLOW_|ELECTRON_|NODE_OPTIONS$|VITEST)/.test(name)) continue
    env[name] = value
  }
  return env
}

function environment(options: LaunchOptions): Record<string, string> {
  return {
    ...baseEnvironment(),
    FAKE_ELECTRON_URL: pathToFileURL(bundle(join(import.meta.dirname, 'electron.ts'))).href,
    FAKE_ELECTRON_LOAD_FAILURES: String(options.failPageLoads ?? 0),
    FAKE_ELECTRON_DIALOG_RESPONSES: (options.dialogResponses ?? []).join(','),
    FLOWKEYS_DATA_DIR: options.dataDir,
    XDG_CONFIG_HOME: options.configDir,
    ...options.env
  }
}

function start(env: Record<string, string>, output: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', pathToFileURL(REGISTER).href, MAIN_ENTRY], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc']
  })
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')))
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')))
  return child
}

function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((done) => {
    child.once('exit', (code, signal) => done({ code, signal, at: Date.now() }))
  })
}

export const launchWithFakeElectron: Launch = async (options) => {
  ensureBuilt()
  const env = environment(options)
  const output: string[] = []
  const child = start(env, output)
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  let nextId = 1
  let running = true
  const exited = exitOf(child).then((exit) => {
    running = false
    for (const waiting of pending.values()) waiting.reject(new Error('the app exited'))
    pending.clear()
    return exit
  })
  child.on('message', (reply: FakeReply) => {
    const waiting = pending.get(reply.id)
    pending.delete(reply.id)
    if (reply.ok) waiting?.resolve(reply.value)
    else waiting?.reject(new Error(`the fake failed: ${reply.error}`))
  })
  const send = <T>(command: FakeCommand): Promise<T> => {
    if (!running) return Promise.reject(new Error(`the app has exited:\n${output.join('')}`))
    const id = nextId++
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      child.send({ id, command } satisfies FakeRequest)
    })
  }

  const app: RunningApp & { fakeSnapshot(): Promise<FakeSnapshot> } = {
    invoke: (channel, payload, invokeOptions) =>
      send<InvokeOutcome>({ cmd: 'invoke', channel, payload, frameUrl: invokeOptions?.frameUrl }),
    snapshot: () => send<FakeSnapshot>({ cmd: 'snapshot' }),
    fakeSnapshot: () => send<FakeSnapshot>({ cmd: 'snapshot' }),
    quit: () => send({ cmd: 'quit' }),
    closeWindow: () => send({ cmd: 'closeWindow' }),
    minimizeWindow: () => send({ cmd: 'minimizeWindow' }),
    async secondInstance() {
      const second = start(env, output)
      const exit = await exitOf(second)
      await send({ cmd: 'secondInstance', argv: [process.execPath, MAIN_ENTRY], cwd: root })
      return exit
    },
    endSession: () => send({ cmd: 'endSession' }),
    exited,
    isRunning: () => running,
    output: () => output.join(''),
    kill() {
      if (running) child.kill('SIGKILL')
    }
  }
  return app
}
