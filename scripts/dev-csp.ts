import { createHash } from 'node:crypto'
import type { Plugin } from 'vite'

const CSP_META = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")/i

/**
 * The renderer's policy as the dev server needs it. Two things Vite's dev server does that the built app does
 * not: @vitejs/plugin-react injects an inline `<script type="module">` (the React Refresh preamble), allowed by
 * its hash (Vite currently puts it ahead of the CSP meta, which a meta policy does not govern, but should it land
 * after the meta, `script-src 'self'` would block it); and Vite injects each CSS file as a `<style>` element,
 * which needs `'unsafe-inline'` in style-src. The built app (app://flowkeys) keeps index.html's stricter policy.
 */
export function devCspHtml(html: string): string {
  const hashes = new Set<string>()
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const [, attrs = '', body = ''] = match
    if (/\bsrc\s*=/i.test(attrs) || body.trim() === '') continue
    hashes.add(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`)
  }
  const extra: Record<string, string> = { 'style-src': "'unsafe-inline'" }
  if (hashes.size > 0) extra['script-src'] = [...hashes].join(' ')
  return html.replace(
    CSP_META,
    (_all, start: string, policy: string, end: string) =>
      start +
      policy
        .split(';')
        .map((directive) => {
          const added = extra[directive.trim().split(/\s+/)[0] ?? '']
          return added ? `${directive.trimEnd()} ${added}` : directive
        })
        .join(';') +
      end
  )
}

/** Applies devCspHtml to the dev server's index.html (never to the build). */
export function devCsp(): Plugin {
  return {
    name: 'flowkeys:dev-csp',
    apply: 'serve',
    transformIndexHtml: { order: 'post', handler: devCspHtml }
  }
}
