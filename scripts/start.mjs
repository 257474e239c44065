#!/usr/bin/env node
// `npm start`         -> electron-vite preview (builds, then runs the built app)
// `npm run dev`       -> electron-vite dev (dev server + Electron)
// Extra arguments are passed to electron-vite (e.g. `npm start -- --noSandbox`).
//
// electron-vite needs the Electron binary, which npm downloads from GitHub's releases in a postinstall step.
// When it is missing we try that download once; if it is still missing we print one line and exit 1.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const requireFromRoot = createRequire(join(root, 'package.json'))
const DOWNLOAD_TIMEOUT_MS = 5 * 60 * 1000

const args = process.argv.slice(2)
const dev = args[0] === 'dev'
const passThrough = dev ? args.slice(1) : args
const npmCommand = dev ? 'npm run dev' : 'npm start'

function fail(message) {
  process.stderr.write(`FlowKeys: ${message.replace(/\s+/g, ' ').trim()}\n`)
  process.exit(1)
}

function electronPackageDir() {
  try {
    return dirname(requireFromRoot.resolve('electron/package.json'))
  } catch {
    return null
  }
}

/** The binary electron-vite will launch (it honours ELECTRON_EXEC_PATH, else node_modules/electron/path.txt). */
function electronBinary(electronDir) {
  const override = process.env.ELECTRON_EXEC_PATH
  if (override) return existsSync(override) ? override : null
  if (!electronDir) return null
  try {
    const relative = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim()
    if (!relative) return null
    const binary = join(electronDir, 'dist', relative)
    return existsSync(binary) ? binary : null
  } catch {
    return null
  }
}

function tryDownloadElectron(electronDir) {
  const installer = join(electronDir, 'install.js')
  if (!existsSync(installer)) return
  process.stdout.write('FlowKeys: the Electron binary is missing; trying to download it once…\n')
  // Output is captured (and dropped): on failure the single line below says what to do.
  spawnSync(process.execPath, [installer], {
    cwd: electronDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: DOWNLOAD_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 16 * 1024 * 1024
  })
}

function run() {
  const electronDir = electronPackageDir()
  let binary = electronBinary(electronDir)
  const skipDownload = Boolean(process.env.ELECTRON_SKIP_BINARY_DOWNLOAD)
  if (!binary && electronDir && !skipDownload && !process.env.ELECTRON_EXEC_PATH) {
    tryDownloadElectron(electronDir)
    binary = electronBinary(electronDir)
  }
  if (!binary) {
    if (process.env.ELECTRON_EXEC_PATH) {
      fail(`ELECTRON_EXEC_PATH points to a missing file (${process.env.ELECTRON_EXEC_PATH}).
        Unset it or point it at an Electron binary, then run \`${npmCommand}\` again.`)
    }
    fail(`the Electron binary is missing (node_modules/electron/dist).
      Install it with \`npx install-electron --no\` on a machine that can reach GitHub's releases,
      then run \`${npmCommand}\` again.`)
  }

  let electronVite
  try {
    electronVite = join(
      dirname(requireFromRoot.resolve('electron-vite/package.json')),
      'bin',
      'electron-vite.js'
    )
  } catch {
    fail('electron-vite is not installed: run `npm install`, then try again.')
  }

  const child = spawn(process.execPath, [electronVite, dev ? 'dev' : 'preview', ...passThrough], {
    cwd: root,
    stdio: 'inherit'
  })
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => forward(signal))
  child.on('error', (error) => fail(`could not run electron-vite: ${error.message}`))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

try {
  run()
} catch (error) {
  fail(`could not start: ${error instanceof Error ? error.message : String(error)}`)
}
