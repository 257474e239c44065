import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openCore } from '../../src/main/core/open'
import { tempDir } from '../helpers/tmp'
import { send } from './http'
import { serve } from './serve-process'

// `flowkeys serve` as a real process: its banner, its answers, a clean stop on SIGTERM, its one-line errors.

const root = tempDir('flowkeys-serve-')
let count = 0

function newDataDir(): string {
  return join(root, `data${count++}`)
}

describe('flowkeys serve', () => {
  it('prints the URL and the superuser state, answers, and on SIGTERM exits 0 with usage counters saved', async () => {
    const dataDir = newDataDir()
    const setup = await openCore({ dataDir, env: {} })
    const created = await setup.keys.create(setup.superuser(), { name: 'served' })
    await setup.close()

    const server = serve(['--port', '0', '--data-dir', dataDir])
    const url = await server.url()
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    await server.waitFor(/Press Ctrl\+C to stop\./)
    expect(server.stdout).toContain('Superuser: langflow')
    expect(server.stdout).toContain('Access: an API key or a password login on every request\n')
    expect(server.stdout).toContain('Auto-login over HTTP: off (GET /api/v1/auto_login hands out no token)')
    expect(server.stdout).toContain('Sign-up: closed (auto-login is on)')
    expect(server.stdout).toContain(`API docs: ${url}/docs`)

    expect((await send(`${url}/health`)).json()).toEqual({ status: 'ok' })
    // The API docs: the OpenAPI plugins stay outside the CLI's bundle and serve their own files.
    const docs = await send(`${url}/docs`)
    expect(docs.status).toBe(200)
    const script = /src="(\/docs\/static\/swagger-ui-bundle\.js)"/.exec(docs.text)?.[1]
    expect(script).toBeDefined()
    const bundleJs = await send(`${url}${script}`)
    expect(bundleJs.status).toBe(200)
    expect(bundleJs.text.length).toBeGreaterThan(100_000)
    expect((await send(`${url}/openapi.json`)).json()).toMatchObject({ paths: { '/api/v1/variables/': {} } })
    const uses = 4
    for (let i = 0; i < uses; i++) {
      const res = await send(`${url}/api/v1/users/whoami`, { headers: { 'x-api-key': created.api_key } })
      expect(res.status).toBe(200)
    }
    expect((await send(`${url}/api/v1/users/whoami`)).status).toBe(403)
    // Each request is printed (path without query, key name), never the key.
    await server.waitFor(/GET \/api\/v1\/users\/whoami 403/)
    expect(server.stdout).toMatch(/GET \/api\/v1\/users\/whoami 200 \d+ms key="served"/)

    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    expect(server.stdout).toMatch(/Stopping \(SIGTERM\)…\nStopped\.\n$/)
    expect(server.stderr).toBe('')
    for (const text of [server.stdout, server.stderr]) expect(text).not.toContain(created.api_key.slice(8))

    const after = await openCore({ dataDir, env: {} })
    try {
      const stored = await after.store.keyById(created.key.id)
      expect(stored?.total_uses).toBe(uses)
      expect(stored?.last_used_at).not.toBeNull()
    } finally {
      await after.close()
    }
  })

  it('stops on SIGINT too', async () => {
    const server = serve(['--port', '0', '--data-dir', newDataDir()])
    await server.waitFor(/Press Ctrl\+C to stop\./)
    server.child.kill('SIGINT')
    expect(await server.exited).toBe(0)
    expect(server.stdout).toContain('Stopping (SIGINT)…')
  })

  it('states how requests without a key are treated, per the settings', async () => {
    const off = serve(['--port', '0', '--data-dir', newDataDir()], {
      LANGFLOW_AUTO_LOGIN: 'false',
      LANGFLOW_SUPERUSER: 'admin',
      LANGFLOW_SUPERUSER_PASSWORD: 'admin-password'
    })
    await off.waitFor(/Press Ctrl\+C/)
    expect(off.stdout).toContain('Superuser: admin')
    expect(off.stdout).toContain('Access: an API key or a password login on every request (auto-login off)')
    expect(off.stdout).toContain('Sign-up: open, at most 10 a minute')
    const skipping = serve(['--port', '0', '--data-dir', newDataDir()], {
      LANGFLOW_SKIP_AUTH_AUTO_LOGIN: 'true'
    })
    const url = await skipping.url()
    await skipping.waitFor(/Press Ctrl\+C/)
    expect(skipping.stdout).toContain(
      'Access: requests without an API key act as the superuser (LANGFLOW_SKIP_AUTH_AUTO_LOGIN), but it reads no secret value, makes no API key and manages no user'
    )
    // A warning at start, and one for the first request without a key (not one per request).
    for (let i = 0; i < 2; i++) expect((await send(`${url}/api/v1/users/whoami`)).status).toBe(200)
    await skipping.waitFor(/whoami 200[^\n]*\n[^\n]*whoami 200/)
    expect(skipping.stderr.match(/flowkeys: warning: .*SKIP_AUTH_AUTO_LOGIN/g)).toHaveLength(2)
    for (const p of [off, skipping]) p.child.kill('SIGTERM')
    expect(await off.exited).toBe(0)
    expect(await skipping.exited).toBe(0)
  })

  describe('errors', () => {
    let blocker: Server | undefined
    afterAll(() => new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve())))

    it('a port in use → one line on stderr, exit 1', async () => {
      blocker = createServer()
      await new Promise<void>((resolve) => blocker?.listen(0, '127.0.0.1', resolve))
      const port = (blocker.address() as { port: number }).port
      const server = serve(['--port', String(port), '--data-dir', newDataDir()])
      expect(await server.exited).toBe(1)
      expect(server.stderr).toBe(
        `flowkeys: Port ${port} on 127.0.0.1 is already in use: stop the other server or pick another with --port\n`
      )
      expect(server.stdout).toBe('')
    })

    it('a non-loopback --host without --allow-remote → one line on stderr, exit 2', async () => {
      const server = serve(['--host', '0.0.0.0', '--port', '0', '--data-dir', newDataDir()])
      expect(await server.exited).toBe(2)
      expect(server.stderr).toBe(
        'flowkeys: Refusing to listen on 0.0.0.0: the key server serves secrets; pass --allow-remote to bind a non-loopback address\n'
      )
    })

    it('with --allow-remote it listens and warns', async () => {
      // Plain HTTP on a non-loopback address also needs --behind-tls-proxy (or --tls-cert and --tls-key).
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
      expect((await send(`${url}/health`)).status).toBe(200)
      expect(server.stderr).toMatch(
        /^flowkeys: warning: The key server listens on 0\.0\.0\.0, reachable from other machines/
      )
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
    })

    it('a bad --port is bad usage (exit 2)', async () => {
      for (const port of ['70000', 'http', '-1']) {
        const server = serve(['--port', port, '--data-dir', newDataDir()])
        expect(await server.exited).toBe(2)
        expect(server.stderr.trim().split('\n')).toHaveLength(1)
        expect(server.stderr).toMatch(/^flowkeys: .*--port/)
      }
    })
  })
})
