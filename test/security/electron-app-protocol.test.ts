// The app:// protocol serves the built renderer folder and nothing else: a real folder with the renderer's files,
// a secret beside it, a folder whose name extends the renderer's (a prefix check without a separator would let
// it through) and symlinks out of it. Every way out must answer "not found"; the app's own files are served.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME_PRIVILEGES,
  appProtocolHandler,
  requestedSegments,
  resolveAppFile
} from '../../src/main/shell/app-protocol'
import { tempDir } from '../helpers/tmp'

const SECRET = 'sk-the-secret-that-must-never-be-served'
const INDEX = '<!doctype html><title>FlowKeys</title>'

const base = tempDir('flowkeys-app-protocol-')
const root = join(base, 'renderer')

const FILES: Record<string, string> = {
  'index.html': INDEX,
  'assets/index-abc123.js': 'console.log("app")',
  'assets/index-abc123.css': 'body{}',
  'assets/logo.png': 'png',
  'assets/icon.svg': '<svg/>',
  'assets/inter.woff2': 'woff2',
  'assets/data.json': '{}',
  'favicon.ico': 'ico',
  '.env': SECRET
}
for (const [name, content] of Object.entries(FILES)) {
  mkdirSync(join(root, name, '..'), { recursive: true })
  writeFileSync(join(root, name), content)
}
writeFileSync(join(base, 'secret.txt'), SECRET)
mkdirSync(join(base, 'renderer-evil'))
writeFileSync(join(base, 'renderer-evil', 'secret.txt'), SECRET)
mkdirSync(join(base, 'outside'))
writeFileSync(join(base, 'outside', 'secret.txt'), SECRET)
symlinkSync(join(base, 'secret.txt'), join(root, 'escape.txt'))
symlinkSync('../renderer-evil/secret.txt', join(root, 'prefix.txt'))
symlinkSync(join(base, 'outside'), join(root, 'linked'))
symlinkSync('index.html', join(root, 'alias.html'))
symlinkSync(root, join(base, 'renderer-link'))

const handler = appProtocolHandler(root)
const get = (url: string, method = 'GET') => handler(new Request(url, { method }))

describe('the app:// origin', () => {
  it('is one fixed host whose entry is index.html', () => {
    expect(APP_ORIGIN).toBe('app://flowkeys')
    expect(APP_ENTRY_URL).toBe('app://flowkeys/index.html')
  })

  it('is registered standard and secure with fetch, never bypassing the CSP or opening CORS', () => {
    expect({ ...APP_SCHEME_PRIVILEGES }).toEqual({ standard: true, secure: true, supportFetchAPI: true })
  })
})

describe('serving the renderer', () => {
  it('serves index.html for / and /index.html, with the query and fragment ignored', async () => {
    for (const url of [
      'app://flowkeys/',
      'app://flowkeys',
      APP_ENTRY_URL,
      `${APP_ENTRY_URL}?tab=keys`,
      `${APP_ENTRY_URL}#/server`,
      'app://FLOWKEYS/index.html'
    ]) {
      const response = await get(url)
      expect(response.status, url).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(await response.text()).toBe(INDEX)
    }
  })

  it.each([
    ['assets/index-abc123.js', 'text/javascript; charset=utf-8'],
    ['assets/index-abc123.css', 'text/css; charset=utf-8'],
    ['assets/logo.png', 'image/png'],
    ['assets/icon.svg', 'image/svg+xml'],
    ['assets/inter.woff2', 'font/woff2'],
    ['assets/data.json', 'application/json; charset=utf-8'],
    ['favicon.ico', 'image/x-icon']
  ])('serves %s as %s', async (name, type) => {
    const response = await get(`${APP_ORIGIN}/${name}?v=1#x`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe(type)
    expect(await response.text()).toBe(FILES[name])
  })

  it('follows a symlink that stays inside the folder, and a root reached through a symlink', async () => {
    expect(await (await get(`${APP_ORIGIN}/alias.html`)).text()).toBe(INDEX)
    const viaLink = await resolveAppFile(join(base, 'renderer-link'), APP_ENTRY_URL)
    expect(viaLink).toMatchObject({ found: true, contentType: 'text/html; charset=utf-8' })
  })

  it('decodes each path segment once', () => {
    expect(requestedSegments('app://flowkeys/')).toEqual(['index.html'])
    expect(requestedSegments('app://flowkeys/assets/a%20b.js?x#y')).toEqual(['assets', 'a b.js'])
    expect(requestedSegments('app://flowkeys/%252e%252e')).toEqual(['%2e%2e'])
  })

  it('answers HEAD without a body, and any other method with 404', async () => {
    const head = await get(APP_ENTRY_URL, 'HEAD')
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    for (const method of ['POST', 'PUT', 'DELETE']) {
      expect((await get(APP_ENTRY_URL, method)).status, method).toBe(404)
    }
  })
})

// Each of these is a way out of the folder, to another host, or to something the app does not serve.
const REFUSED: readonly string[] = [
  // dot segments, plain and percent-encoded (URL parsing turns the plain ones into /secret.txt, inside the root)
  'app://flowkeys/../secret.txt',
  'app://flowkeys/%2e%2e/secret.txt',
  'app://flowkeys/%2e%2e%2fsecret.txt',
  'app://flowkeys/%2E%2E%2Fsecret.txt',
  'app://flowkeys/..%2fsecret.txt',
  'app://flowkeys/..%2Frenderer-evil%2Fsecret.txt',
  'app://flowkeys/assets/..%2f..%2fsecret.txt',
  'app://flowkeys/assets%2f..%2f..%2fsecret.txt',
  'app://flowkeys/..%5csecret.txt',
  'app://flowkeys/..\\secret.txt',
  'app://flowkeys/assets\\..\\..\\secret.txt',
  // absolute paths
  `app://flowkeys/${encodeURIComponent(join(base, 'secret.txt'))}`,
  'app://flowkeys//etc/passwd',
  'app://flowkeys/%2fetc%2fpasswd',
  'app://flowkeys/C:%5CWindows%5Cwin.ini',
  // NUL bytes, control characters, malformed escapes
  'app://flowkeys/index.html%00.png',
  'app://flowkeys/%00',
  'app://flowkeys/index%0a.html',
  'app://flowkeys/%E0%A4%A',
  // symlinks leading out of the folder (the second into a folder whose name starts with the root's)
  'app://flowkeys/escape.txt',
  'app://flowkeys/prefix.txt',
  'app://flowkeys/linked/secret.txt',
  // hidden files, folders and missing files
  'app://flowkeys/.env',
  'app://flowkeys/assets',
  'app://flowkeys/assets/',
  'app://flowkeys/missing.js',
  // other hosts, ports, credentials and schemes
  'app://evil/index.html',
  'app://flowkeys.evil/index.html',
  'app://flowkeys:8080/index.html',
  'app://user:pass@flowkeys/index.html',
  'app:flowkeys/index.html',
  'http://flowkeys/index.html',
  `file://${join(root, 'index.html')}`,
  'not a url'
]

describe('everything else is not found', () => {
  it.each(REFUSED)('%s', async (url) => {
    expect(await resolveAppFile(root, url)).toEqual({ found: false })
    // The URL as given, not as a Request would canonicalise it (nor refuse it, as it does credentials).
    const response = await handler({ method: 'GET', url } as Request)
    expect(response.status).toBe(404)
    expect(await response.text()).not.toContain(SECRET)
  })

  it('the traps are real: a naive join of the decoded path, or a lexical-only check, reads the secret', () => {
    const naive = (url: string) => join(root, decodeURIComponent(new URL(url).pathname))
    for (const url of [
      'app://flowkeys/%2e%2e%2fsecret.txt',
      'app://flowkeys/..%2fsecret.txt',
      'app://flowkeys/assets/..%2f..%2fsecret.txt',
      'app://flowkeys/..%2Frenderer-evil%2Fsecret.txt',
      'app://flowkeys/escape.txt',
      'app://flowkeys/prefix.txt',
      'app://flowkeys/linked/secret.txt',
      'app://flowkeys/.env'
    ]) {
      const file = naive(url)
      expect(existsSync(file), url).toBe(true)
      expect(readFileSync(file, 'utf8'), url).toBe(SECRET)
    }
  })
})
