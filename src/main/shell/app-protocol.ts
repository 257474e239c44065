// Serves the built renderer (out/renderer) as app://flowkeys/… instead of file://: the window gets a real origin
// (what 'self' in the CSP, navigation and the IPC sender check refer to) and no file:// privileges. This module
// must not import `electron` at runtime so it can be unit-tested in plain Node; src/main/index.ts registers the
// scheme and hands appProtocolHandler to protocol.handle.
import { promises as fs } from 'node:fs'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'

export const APP_SCHEME = 'app'
export const APP_HOST = 'flowkeys'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/** For protocol.registerSchemesAsPrivileged: a standard, secure origin; no bypassCSP, no corsEnabled. */
export const APP_SCHEME_PRIVILEGES = Object.freeze({
  standard: true,
  secure: true,
  supportFetchAPI: true
} as const)

const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2'
})
const FALLBACK_TYPE = 'application/octet-stream'

export type AppFileLookup =
  { readonly found: true; readonly path: string; readonly contentType: string } | { readonly found: false }

const NOT_FOUND: AppFileLookup = Object.freeze({ found: false })

/** The Content-Type for a served file, by extension (unknown ones as bytes; responses also say nosniff). */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? FALLBACK_TYPE
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}

/** One decoded path segment that names a plain child: no separators, dot segments, hidden files or NULs. */
function isSafeSegment(segment: string): boolean {
  return (
    segment !== '' && !segment.startsWith('.') && !/[/\\:]/.test(segment) && !hasControlCharacter(segment)
  )
}

/**
 * The decoded path segments an app:// request asks for, or null when the URL is not one the app serves: another
 * scheme or host, a port or credentials, an empty, dot or hidden segment, an encoded `/` or `\`, a NUL. `/` is
 * index.html; the query and fragment are ignored.
 */
export function requestedSegments(url: string): string[] | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.hostname.toLowerCase() !== APP_HOST) return null
  if (parsed.port !== '' || parsed.username !== '' || parsed.password !== '') return null
  const path = parsed.pathname
  if (path === '' || path === '/') return ['index.html']
  if (!path.startsWith('/')) return null
  const segments: string[] = []
  for (const raw of path.slice(1).split('/')) {
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      return null
    }
    if (!isSafeSegment(segment)) return null
    segments.push(segment)
  }
  return segments
}

/** Whether `child` is strictly inside `parent` (both absolute, already resolved). */
function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel !== '' && !isAbsolute(rel) && rel.split(sep)[0] !== '..'
}

/**
 * The file under `rootDir` that an app:// URL names, checked twice: the joined path must stay in the folder, and
 * so must its real path (a symlink may not lead out). Anything else, a folder or a missing file is not found.
 */
export async function resolveAppFile(rootDir: string, url: string): Promise<AppFileLookup> {
  const segments = requestedSegments(url)
  if (!segments) return NOT_FOUND
  const root = resolve(rootDir)
  const candidate = resolve(root, ...segments)
  if (!isInside(root, candidate)) return NOT_FOUND
  try {
    // fs.promises is looked up at call time: inside a packaged app.asar, Electron's asar-aware versions answer.
    const [realRoot, realFile] = await Promise.all([fs.realpath(root), fs.realpath(candidate)])
    if (!isInside(realRoot, realFile)) return NOT_FOUND
    if (!(await fs.stat(realFile)).isFile()) return NOT_FOUND
    return { found: true, path: realFile, contentType: contentTypeFor(candidate) }
  } catch {
    return NOT_FOUND
  }
}

function notFound(): Response {
  return new Response('Not found', {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }
  })
}

/** The protocol.handle handler for app://: GET and HEAD of the renderer's files, 404 for everything else. */
export function appProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return notFound()
    const lookup = await resolveAppFile(rootDir, request.url)
    if (!lookup.found) return notFound()
    const body = await fs.readFile(lookup.path).catch(() => null)
    if (!body) return notFound()
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: { 'content-type': lookup.contentType, 'x-content-type-options': 'nosniff' }
    })
  }
}
