import { describe, expect, it } from 'vitest'
import { loopbackDevServerUrl, rendererSource } from '../../src/main/shell/renderer-source'

const BUILT = { url: 'app://flowkeys/index.html', appOrigin: 'app://flowkeys' }

describe('rendererSource', () => {
  it('loads the built renderer over app:// when no dev server is given', () => {
    expect(rendererSource(false, undefined)).toEqual(BUILT)
    expect(rendererSource(true, undefined)).toEqual(BUILT)
    expect(rendererSource(true, '')).toEqual(BUILT)
  })

  it('never takes the dev server outside a dev build, even a valid one', () => {
    expect(rendererSource(false, 'http://localhost:5173')).toEqual(BUILT)
    expect(rendererSource(false, 'https://evil.example/')).toEqual(BUILT)
  })

  it('takes a loopback dev server in a dev build, and checks IPC senders against its origin', () => {
    expect(rendererSource(true, 'http://localhost:5173')).toEqual({
      url: 'http://localhost:5173/',
      appOrigin: 'http://localhost:5173'
    })
    expect(rendererSource(true, 'http://127.0.0.1:5174/')).toEqual({
      url: 'http://127.0.0.1:5174/',
      appOrigin: 'http://127.0.0.1:5174'
    })
  })

  it('refuses any other URL in a dev build, with a warning, and falls back to the built renderer', () => {
    const source = rendererSource(true, 'https://evil.example/')
    expect(source).toMatchObject(BUILT)
    expect(source.warning).toMatch(/http:\/\/localhost:PORT/)
  })
})

describe('loopbackDevServerUrl', () => {
  it('accepts http://localhost:PORT and http://127.0.0.1:PORT only', () => {
    expect(loopbackDevServerUrl('http://localhost:5173')?.href).toBe('http://localhost:5173/')
    expect(loopbackDevServerUrl('http://127.0.0.1:5173/')?.href).toBe('http://127.0.0.1:5173/')
  })

  it.each([
    'https://localhost:5173',
    'http://localhost',
    'http://localhost:5173/page.html',
    'http://localhost:5173/?x=1',
    'http://localhost:5173/#x',
    'http://user:pass@localhost:5173',
    'http://localhost.evil.com:5173',
    'http://127.0.0.2:5173',
    'http://0.0.0.0:5173',
    'http://[::1]:5173',
    'http://192.168.1.10:5173',
    'https://evil.example/',
    'file:///tmp/index.html',
    'javascript:alert(1)',
    'not a url',
    ''
  ])('refuses %s', (url) => {
    expect(loopbackDevServerUrl(url)).toBeNull()
  })
})
