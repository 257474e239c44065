import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { devCspHtml } from '../../scripts/dev-csp'
import { ensureBuilt, rendererDir } from './harness'

/** The directives of the page's CSP meta, each with its sources. */
function policyOf(html: string): Map<string, string[]> {
  const content = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html)?.[1]
  if (content === undefined) throw new Error('no CSP meta')
  const directives = new Map<string, string[]>()
  for (const directive of content.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/)
    if (name) directives.set(name, sources)
  }
  return directives
}

test.describe('the renderer Content-Security-Policy', () => {
  test('the built app allows only its own scripts and styles: nothing inline, no eval, no plugins', () => {
    ensureBuilt()
    const html = readFileSync(join(rendererDir, 'index.html'), 'utf8')
    const policy = policyOf(html)
    expect(policy.get('default-src')).toEqual(["'self'"])
    expect(policy.get('script-src')).toEqual(["'self'"])
    expect(policy.get('style-src')).toEqual(["'self'"])
    expect(policy.get('object-src')).toEqual(["'none'"])
    expect(policy.get('base-uri')).toEqual(["'none'"])
    expect(html).not.toMatch(/unsafe-|'sha256-/)
    // What such a policy would block must not be in the page either (the e2e run fails on any violation).
    expect(html).not.toMatch(/<style\b|\sstyle=|<script\b(?![^>]*\bsrc=)/i)
  })

  test('the dev server adds only what Vite needs: the hash of each inline script, inline styles', () => {
    const preamble = 'import { injectIntoGlobalHook } from "/@react-refresh"'
    const html = [
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'\" />",
      `<script type="module">${preamble}</script>`,
      '<script type="module" src="/@vite/client"></script>'
    ].join('\n')
    const policy = policyOf(devCspHtml(html))
    const hash = createHash('sha256').update(preamble, 'utf8').digest('base64')
    expect(policy.get('script-src')).toEqual(["'self'", `'sha256-${hash}'`])
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"])
    expect(policy.get('default-src')).toEqual(["'self'"])
    expect(policy.get('object-src')).toEqual(["'none'"])
  })

  test('the dev server adds no script hash when no script is inline', () => {
    const html = `<meta http-equiv="Content-Security-Policy" content="script-src 'self'; style-src 'self'" />`
    const policy = policyOf(devCspHtml(html))
    expect(policy.get('script-src')).toEqual(["'self'"])
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"])
  })
})
