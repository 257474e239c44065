import { describe, expect, it } from 'vitest'
import {
  BadRequest,
  Conflict,
  Corrupt,
  FlowKeysError,
  Forbidden,
  Invalid,
  NotFound,
  RateLimited,
  TooLarge,
  Unauthorized,
  Unavailable
} from '../../src/main/base/errors'
import { bearerUnauthorized, DATA_UNREADABLE, toHttpError } from '../../src/main/server/http/errors'

describe('toHttpError', () => {
  it('maps each core error kind to its status with {"detail": message}', () => {
    const cases: [Error, number][] = [
      [new BadRequest('b'), 400],
      [new Unauthorized('u'), 401],
      [new Forbidden('f'), 403],
      [new NotFound('n'), 404],
      [new Conflict('c'), 409],
      [new Invalid('i'), 422],
      [new TooLarge('t'), 413],
      [new RateLimited('r', 3), 429],
      [new Unavailable('a'), 503]
    ]
    for (const [err, status] of cases) {
      const answer = toHttpError(err)
      expect(answer.status, err.name).toBe(status)
      expect(answer.body, err.name).toEqual({ detail: err.message })
      expect(answer.unexpected).toBe(false)
    }
  })

  it('answers Corrupt with 500 and a fixed message: its own names a file, which only the log gets', () => {
    const answer = toHttpError(
      new Corrupt('Cannot read the FlowKeys store /home/me/.config/FlowKeys/flowkeys.json')
    )
    expect(answer.status).toBe(500)
    expect(answer.body).toEqual({ detail: DATA_UNREADABLE })
    expect(answer.logged).toContain('/home/me/.config/FlowKeys/flowkeys.json')
  })

  it('adds WWW-Authenticate: Bearer only when asked', () => {
    expect(toHttpError(bearerUnauthorized('Token has expired.')).headers).toEqual({
      'www-authenticate': 'Bearer'
    })
    expect(toHttpError(new Unauthorized('Inactive user')).headers).toEqual({})
  })

  it('adds Retry-After in whole seconds, at least 1', () => {
    expect(toHttpError(new RateLimited('slow down', 12.2)).headers).toEqual({ 'retry-after': '13' })
    expect(toHttpError(new RateLimited('slow down', 0)).headers).toEqual({ 'retry-after': '1' })
  })

  it('lets a core error choose a structured detail', () => {
    const detail = { message: 'Auto login is disabled. Please enable it in the settings', auto_login: false }
    const answer = toHttpError(new BadRequest('Auto login is disabled', { body: detail }))
    expect(answer).toMatchObject({ status: 400, body: { detail } })
  })

  it('hides unexpected errors, including the Internal kind', () => {
    for (const err of [
      new Error('secret'),
      new TypeError('x is undefined'),
      'thrown string',
      new FlowKeysError('Internal', 'secret')
    ]) {
      const answer = toHttpError(err)
      expect(answer.status).toBe(500)
      expect(answer.body).toEqual({ detail: 'Internal Server Error' })
      expect(answer.unexpected).toBe(true)
    }
  })

  it("answers Fastify's client errors with their status and the standard phrase, never their message", () => {
    const err = Object.assign(new Error('Unsupported Media Type: text/secret'), {
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      statusCode: 415
    })
    expect(toHttpError(err)).toMatchObject({ status: 415, body: { detail: 'Unsupported Media Type' } })
  })
})
