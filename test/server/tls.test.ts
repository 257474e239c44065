import { execFileSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Forbidden, Invalid, Unavailable } from '../../src/main/base/errors'
import { openCore } from '../../src/main/core/open'
import { loadTls, type ServerHandle, startServer } from '../../src/main/server/start'
import { lineSink } from '../helpers/log'
import { tempDir } from '../helpers/tmp'
import { writeSelfSignedCert } from '../helpers/tls'
import { type RawResponse, send } from './http'
import { serve } from './serve-process'

// The key server off the machine: HTTPS from the operator's certificate, and no plain HTTP on a network address
// unless the operator states that a TLS-terminating proxy is in front. Keys never cross a network in clear.

const root = tempDir('flowkeys-tls-')
const certFile = join(root, 'cert.pem')
const keyFile = join(root, 'key.pem')
/** Another key, not the certificate's. */
const otherKeyFile = join(root, 'other-key.pem')
/** The certificate's key, encrypted with a passphrase. */
const encryptedKeyFile = join(root, 'encrypted-key.pem')
/** The same, in OpenSSL's traditional form (`Proc-Type: 4,ENCRYPTED`). */
const legacyEncryptedKeyFile = join(root, 'legacy-encrypted-key.pem')
const notPemFile = join(root, 'not-pem.txt')
/** The certificate in DER: readable by X509Certificate, refused by the TLS server. */
const derCertFile = join(root, 'cert.der')
let cert: Buffer
let key: string

beforeAll(() => {
  writeSelfSignedCert(certFile, keyFile)
  cert = readFileSync(certFile)
  key = readFileSync(keyFile, 'utf8')
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
  writeFileSync(otherKeyFile, other.privateKey.export({ type: 'pkcs8', format: 'pem' }))
  execFileSync(
    'openssl',
    ['pkey', '-in', keyFile, '-aes256', '-passout', 'pass:flowkeys-test', '-out', encryptedKeyFile],
    { stdio: 'ignore' }
  )
  execFileSync(
    'openssl',
    [
      'rsa',
      '-in',
      keyFile,
      '-aes256',
      '-passout',
      'pass:flowkeys-test',
      '-traditional',
      '-out',
      legacyEncryptedKeyFile
    ],
    { stdio: 'ignore' }
  )
  writeFileSync(notPemFile, 'not a PEM file\n')
  execFileSync('openssl', ['x509', '-in', certFile, '-outform', 'DER', '-out', derCertFile], {
    stdio: 'ignore'
  })
})

/** The base64 body of the private key: no output may contain any of it. */
function keyMaterial(): string[] {
  const body = key.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  return [body.slice(0, 40), body.slice(-40), 'PRIVATE KEY']
}

/** A request over HTTPS that trusts the test's certificate only (`ca` null: the system's CAs). */
function sendHttps(url: string, headers: Record<string, string> = {}, ca: Buffer | null = cert) {
  return send(url, { headers, ...(ca ? { ca } : {}) })
}

const handles: ServerHandle[] = []
async function start(...args: Parameters<typeof startServer>): Promise<ServerHandle> {
  const handle = await startServer(...args)
  handles.push(handle)
  return handle
}

afterEach(async () => {
  await Promise.all(handles.splice(0).map((handle) => handle.close()))
})

let count = 0
function newDataDir(): string {
  return join(root, `data${count++}`)
}

const REFUSAL = (host: string) =>
  `Refusing to listen on ${host} over plain HTTP: keys would cross the network in clear; serve HTTPS with --tls-cert FILE --tls-key FILE, or pass --behind-tls-proxy if a TLS-terminating proxy is in front`

describe('flowkeys serve over TLS', () => {
  it('--tls-cert/--tls-key: answers HTTPS with an API key, says so at start, and gives plain HTTP nothing', async () => {
    const dataDir = newDataDir()
    const setup = await openCore({ dataDir, env: {} })
    const created = await setup.keys.create(setup.superuser(), { name: 'tls' })
    await setup.close()

    const server = serve([
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--tls-cert',
      certFile,
      '--tls-key',
      keyFile,
      '--data-dir',
      dataDir
    ])
    const url = await server.url()
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    await server.waitFor(/Press Ctrl\+C to stop\./)
    expect(server.stdout).toContain(`TLS: on, HTTPS with the certificate in ${certFile}\n`)
    expect(server.stdout).toContain(`API docs: ${url}/docs`)

    const res = await sendHttps(`${url}/api/v1/users/whoami`, { 'x-api-key': created.api_key })
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({ username: 'langflow' })
    // A client that does not trust the certificate refuses it: the connection is really TLS.
    await expect(sendHttps(`${url}/health`, {}, null)).rejects.toThrow(/self[- ]signed/i)

    // Plain HTTP to the same port: the TLS server drops it without an answer.
    const plain: RawResponse | Error = await send(`${url.replace(/^https:/, 'http:')}/api/v1/users/whoami`, {
      headers: { 'x-api-key': created.api_key }
    }).catch((err: Error) => err)
    if (plain instanceof Error) expect(plain.message).toMatch(/socket hang up|ECONNRESET/)
    else {
      expect(plain.status).not.toBe(200)
      expect(plain.text).not.toContain('langflow')
    }

    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    expect(server.stderr).toBe('')
    for (const text of [server.stdout, server.stderr]) {
      expect(text).not.toContain(created.api_key.slice(8))
      for (const part of keyMaterial()) expect(text).not.toContain(part)
    }
  })

  it('a non-loopback --host with --allow-remote but without TLS → refused in one line naming both ways, exit 1', async () => {
    const server = serve(['--host', '0.0.0.0', '--port', '0', '--allow-remote', '--data-dir', newDataDir()])
    expect(await server.exited).toBe(1)
    expect(server.stderr).toBe(`flowkeys: ${REFUSAL('0.0.0.0')}\n`)
    expect(server.stdout).toBe('')
  })

  it('without --allow-remote it is still bad usage first (exit 2), TLS or not', async () => {
    const server = serve([
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--tls-cert',
      certFile,
      '--tls-key',
      keyFile,
      '--data-dir',
      newDataDir()
    ])
    expect(await server.exited).toBe(2)
    expect(server.stderr).toMatch(/^flowkeys: Refusing to listen on 0\.0\.0\.0: .*--allow-remote/)
  })

  it('--behind-tls-proxy: plain HTTP on the network address, with a warning and the TLS line', async () => {
    const server = serve([
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--allow-remote',
      '--behind-tls-proxy',
      '--data-dir',
      newDataDir()
    ])
    const url = await server.url()
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    await server.waitFor(/Press Ctrl\+C to stop\./)
    expect((await send(`${url}/health`)).status).toBe(200)
    expect(server.stdout).toContain(
      'TLS: off here, plain HTTP for the TLS-terminating proxy in front (--behind-tls-proxy), which must be its only client'
    )
    expect(server.stderr).toContain(
      'flowkeys: warning: The key server speaks plain HTTP on 0.0.0.0 (--behind-tls-proxy): only the TLS-terminating proxy in front may reach it'
    )
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
  })

  it('--allow-remote with TLS listens on the network address over HTTPS', async () => {
    const server = serve([
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--allow-remote',
      '--tls-cert',
      certFile,
      '--tls-key',
      keyFile,
      '--data-dir',
      newDataDir()
    ])
    const url = await server.url()
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect((await sendHttps(`${url}/health`)).json()).toEqual({ status: 'ok' })
    expect(server.stderr).toMatch(
      /warning: The key server listens on 0\.0\.0\.0, reachable from other machines/
    )
    expect(server.stderr).not.toContain('plain HTTP')
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
  })

  it('the loopback default says TLS is off, for this machine only', async () => {
    const server = serve(['--port', '0', '--data-dir', newDataDir()])
    await server.waitFor(/Press Ctrl\+C to stop\./)
    expect(server.stdout).toContain(
      'TLS: off, plain HTTP on loopback (this machine only; --tls-cert and --tls-key serve HTTPS)'
    )
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
  })

  it('a wrong key file → one line naming the file, never key material, exit 1', async () => {
    const cases: [string, string][] = [
      [
        otherKeyFile,
        `flowkeys: The TLS key file ${otherKeyFile} does not match the certificate in ${certFile}\n`
      ],
      [certFile, `flowkeys: The TLS key file ${certFile} holds no PEM private key\n`],
      [
        encryptedKeyFile,
        `flowkeys: The TLS key file ${encryptedKeyFile} is encrypted: give the key without a passphrase\n`
      ],
      [
        join(root, 'missing.pem'),
        `flowkeys: Cannot read the TLS key file ${join(root, 'missing.pem')}: no such file\n`
      ]
    ]
    for (const [wrongKey, message] of cases) {
      const server = serve([
        '--port',
        '0',
        '--tls-cert',
        certFile,
        '--tls-key',
        wrongKey,
        '--data-dir',
        newDataDir()
      ])
      expect(await server.exited, wrongKey).toBe(1)
      expect(server.stderr).toBe(message)
      expect(server.stdout).toBe('')
      for (const part of keyMaterial()) expect(server.stderr).not.toContain(part)
    }
  })

  it('a certificate file that is not one → one line naming it, exit 1', async () => {
    const server = serve([
      '--port',
      '0',
      '--tls-cert',
      notPemFile,
      '--tls-key',
      keyFile,
      '--data-dir',
      newDataDir()
    ])
    expect(await server.exited).toBe(1)
    expect(server.stderr).toBe(`flowkeys: The TLS certificate file ${notPemFile} holds no PEM certificate\n`)
  })

  it('--tls-cert without --tls-key (or the reverse) is bad usage, exit 2', async () => {
    for (const args of [
      ['--tls-cert', certFile],
      ['--tls-key', keyFile]
    ]) {
      const server = serve(['--port', '0', ...args, '--data-dir', newDataDir()])
      expect(await server.exited).toBe(2)
      expect(server.stderr).toBe(
        'flowkeys: --tls-cert and --tls-key go together: give the certificate file and its private key file\n'
      )
    }
  })
})

describe('startServer and TLS', () => {
  it('refuses a non-loopback bind without TLS or a TLS proxy, even with allowRemote', async () => {
    for (const host of ['0.0.0.0', '192.168.1.20', '::']) {
      const attempt = startServer({}, { host, port: 0, allowRemote: true })
      await expect(attempt).rejects.toBeInstanceOf(Forbidden)
      await expect(attempt).rejects.toThrow(REFUSAL(host))
    }
    // allowRemote stays required: without it the refusal is the usage one, TLS or not.
    const attempt = startServer({}, { host: '0.0.0.0', port: 0, tls: { certFile, keyFile } })
    await expect(attempt).rejects.toBeInstanceOf(Invalid)
    await expect(attempt).rejects.toThrow(/pass --allow-remote/)
  })

  it('behindTlsProxy: binds the network address over plain HTTP and warns', async () => {
    const lines: string[] = []
    const handle = await start(
      {},
      {
        host: '0.0.0.0',
        port: 0,
        allowRemote: true,
        behindTlsProxy: true,
        log: lineSink((l) => lines.push(l))
      }
    )
    expect(handle.url).toBe(`http://127.0.0.1:${handle.port}`)
    expect((await send(`${handle.url}/health`)).status).toBe(200)
    expect(lines.some((line) => line.includes('WARN') && line.includes('plain HTTP on 0.0.0.0'))).toBe(true)
  })

  it('tls: an https:// URL on loopback, a real TLS answer, no warning for a certificate that names the address', async () => {
    const lines: string[] = []
    const handle = await start(
      {},
      { port: 0, tls: { certFile, keyFile }, log: lineSink((l) => lines.push(l)) }
    )
    expect(handle.url).toBe(`https://127.0.0.1:${handle.port}`)
    expect((await sendHttps(`${handle.url}/health`)).json()).toEqual({ status: 'ok' })
    expect(lines.filter((line) => line.includes('WARN'))).toEqual([])
  })

  it('tls on a network address with allowRemote: HTTPS, the reachability warning, no plain-HTTP one', async () => {
    const lines: string[] = []
    const handle = await start(
      {},
      {
        host: '0.0.0.0',
        port: 0,
        allowRemote: true,
        tls: { certFile, keyFile },
        log: lineSink((l) => lines.push(l))
      }
    )
    expect(handle.url).toBe(`https://127.0.0.1:${handle.port}`)
    expect((await sendHttps(`${handle.url}/health`)).status).toBe(200)
    expect(lines.some((line) => line.includes('reachable from other machines'))).toBe(true)
    expect(lines.some((line) => line.includes('plain HTTP'))).toBe(false)
  })

  it('warns when the certificate does not name the address clients use', async () => {
    const lines: string[] = []
    await start(
      {},
      { host: 'localhost', port: 0, tls: { certFile, keyFile }, log: lineSink((l) => lines.push(l)) }
    )
    expect(
      lines.some((line) => line.includes(`The TLS certificate in ${certFile} does not name localhost`))
    ).toBe(true)
  })

  it("accepts the server's own https:// origin (pages it serves, /docs) on a fixed port", async () => {
    const port = await freePort()
    const handle = await start({}, { port, tls: { certFile, keyFile } })
    const own = await sendHttps(`${handle.url}/health`, { origin: `https://127.0.0.1:${port}` })
    expect(own.status).toBe(200)
    const foreign = await sendHttps(`${handle.url}/health`, { origin: 'https://evil.example' })
    expect(foreign.status).toBe(403)
  })

  it('loadTls: each bad file is one line naming it, an Unavailable, and never quotes the key', () => {
    const cases: [string, string, string][] = [
      [
        join(root, 'nope.pem'),
        keyFile,
        `Cannot read the TLS certificate file ${join(root, 'nope.pem')}: no such file`
      ],
      [root, keyFile, `Cannot read the TLS certificate file ${root}: it is a folder`],
      [keyFile, keyFile, `The TLS certificate file ${keyFile} holds no PEM certificate`],
      [derCertFile, keyFile, `The TLS certificate file ${derCertFile} holds no PEM certificate`],
      [certFile, notPemFile, `The TLS key file ${notPemFile} holds no PEM private key`],
      [
        certFile,
        otherKeyFile,
        `The TLS key file ${otherKeyFile} does not match the certificate in ${certFile}`
      ],
      [
        certFile,
        legacyEncryptedKeyFile,
        `The TLS key file ${legacyEncryptedKeyFile} is encrypted: give the key without a passphrase`
      ]
    ]
    for (const [certPath, keyPath, message] of cases) {
      let caught: unknown
      try {
        loadTls({ certFile: certPath, keyFile: keyPath })
      } catch (err) {
        caught = err
      }
      expect(caught, message).toBeInstanceOf(Unavailable)
      expect((caught as Error).message).toBe(message)
      for (const part of keyMaterial()) expect((caught as Error).message).not.toContain(part)
    }
    expect(loadTls({ certFile, keyFile }).cert.equals(cert)).toBe(true)
  })
})

function freePort(): Promise<number> {
  const probe = createServer()
  return new Promise((resolve, reject) => {
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}
