import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { authPlugin } from '../../src/main/server/guards/auth'
import { bodyPlugin } from '../../src/main/server/http/body'
import { hardeningPlugin } from '../../src/main/server/guards/hardening'
import { accessLogPlugin } from '../../src/main/server/http/log'

describe('the server plugins (fastify-plugin)', () => {
  it('name themselves, so Fastify can check what each depends on', () => {
    const names = [
      hardeningPlugin,
      accessLogPlugin,
      bodyPlugin,
      authPlugin({ authenticate: () => null as never })
    ]
    expect(
      names.map((p) => (p as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')])
    ).toEqual(['flowkeys-hardening', 'flowkeys-access-log', 'flowkeys-body', 'flowkeys-auth'])
  })

  it('the auth plugin refuses to load without the access log, whose request field it sets', async () => {
    const app = Fastify()
    await expect(app.register(authPlugin({ authenticate: () => null as never }))).rejects.toThrow(
      /flowkeys-access-log/
    )
    const ok = Fastify()
    await ok.register(accessLogPlugin, { log: {} })
    await ok.register(authPlugin({ authenticate: () => null as never }))
    await ok.ready()
    expect(ok.hasDecorator('authenticateRequest')).toBe(true)
    await Promise.all([app.close(), ok.close()])
  })
})
