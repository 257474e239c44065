import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  EXTERNAL_URL_ALLOWLIST,
  isAllowedExternalUrl,
  normalizeExternalUrl
} from '../../src/main/config/urls'
import { isAllowedNavigation, isTrustedSender, secureWebPreferences } from '../../src/main/shell/security'

describe('secureWebPreferences', () => {
  it('pins the sandboxed, isolated, node-free preferences', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs')
    const { _: _why, ...pinned } = JSON.parse(
      readFileSync(join(import.meta.dirname, '../fixtures/shell/pinned-web-preferences.json'), 'utf8')
    ) as Record<string, unknown>
    expect(prefs).toMatchObject({ preload: '/app/out/preload/index.cjs', ...pinned })
  })

  it('returns a fresh object each time', () => {
    expect(secureWebPreferences('/a.cjs')).not.toBe(secureWebPreferences('/a.cjs'))
  })

  it('rejects an empty preload path', () => {
    expect(() => secureWebPreferences('')).toThrow(TypeError)
  })
})

describe('isAllowedNavigation', () => {
  describe('dev server origin', () => {
    const app = 'http://localhost:5173'

    it('allows same-origin URLs', () => {
      expect(isAllowedNavigation('http://localhost:5173/', app)).toBe(true)
      expect(isAllowedNavigation('http://localhost:5173/index.html?x=1#/keys', app)).toBe(true)
    })

    it('denies other origins, ports, schemes and hosts', () => {
      expect(isAllowedNavigation('http://localhost:5174/', app)).toBe(false)
      expect(isAllowedNavigation('https://localhost:5173/', app)).toBe(false)
      expect(isAllowedNavigation('http://127.0.0.1:5173/', app)).toBe(false)
      expect(isAllowedNavigation('http://localhost:5173.evil.com/', app)).toBe(false)
      expect(isAllowedNavigation('https://docs.langflow.org/', app)).toBe(false)
      expect(isAllowedNavigation('file:///etc/passwd', app)).toBe(false)
    })

    it('denies URLs with credentials', () => {
      expect(isAllowedNavigation('http://user:pass@localhost:5173/', app)).toBe(false)
      expect(isAllowedNavigation('http://user@localhost:5173/', app)).toBe(false)
    })
  })

  describe('built app (app://flowkeys)', () => {
    const app = 'app://flowkeys'

    it('allows only the renderer entry document, with any query or hash', () => {
      expect(isAllowedNavigation('app://flowkeys/index.html', app)).toBe(true)
      expect(isAllowedNavigation('app://flowkeys/', app)).toBe(true)
      expect(isAllowedNavigation('app://flowkeys/index.html#/settings', app)).toBe(true)
      expect(isAllowedNavigation('app://flowkeys/index.html?tab=keys', app)).toBe(true)
      expect(isAllowedNavigation('app://FlowKeys/index.html', app)).toBe(true)
    })

    it('denies other files it serves, other hosts, ports and credentials', () => {
      expect(isAllowedNavigation('app://flowkeys/assets/index.js', app)).toBe(false)
      expect(isAllowedNavigation('app://flowkeys/other.html', app)).toBe(false)
      expect(isAllowedNavigation('app://flowkeys/%2e%2e%2findex.html', app)).toBe(false)
      expect(isAllowedNavigation('app://evil/index.html', app)).toBe(false)
      expect(isAllowedNavigation('app://flowkeys.evil/index.html', app)).toBe(false)
      expect(isAllowedNavigation('app://flowkeys:8080/index.html', app)).toBe(false)
      expect(isAllowedNavigation('app://user@flowkeys/index.html', app)).toBe(false)
      expect(isAllowedNavigation('http://flowkeys/index.html', app)).toBe(false)
      expect(isAllowedNavigation('http://localhost:5173/', app)).toBe(false)
      expect(isAllowedNavigation('https://docs.langflow.org/', app)).toBe(false)
    })

    it("denies every file:// URL, the renderer's own index.html included", () => {
      const builtIndex = 'file:///opt/FlowKeys/resources/app.asar/out/renderer/index.html'
      expect(isAllowedNavigation(builtIndex, app)).toBe(false)
      expect(isAllowedNavigation('file:///etc/passwd', app)).toBe(false)
      // The old file:// app origin is no origin at all now.
      expect(isAllowedNavigation(builtIndex, builtIndex)).toBe(false)
      expect(isAllowedNavigation('app://flowkeys/index.html', builtIndex)).toBe(false)
    })
  })

  it('denies script, data, blob and about URLs whatever the app origin', () => {
    for (const app of ['http://localhost:5173', 'app://flowkeys']) {
      expect(isAllowedNavigation('javascript:alert(1)', app)).toBe(false)
      expect(isAllowedNavigation('JaVaScRiPt:alert(1)', app)).toBe(false)
      expect(isAllowedNavigation('data:text/html,<script>alert(1)</script>', app)).toBe(false)
      expect(isAllowedNavigation('blob:http://localhost:5173/1234', app)).toBe(false)
      expect(isAllowedNavigation('about:blank', app)).toBe(false)
    }
  })

  it('denies malformed input and an unusable app origin', () => {
    expect(isAllowedNavigation('', 'http://localhost:5173')).toBe(false)
    expect(isAllowedNavigation('not a url', 'http://localhost:5173')).toBe(false)
    expect(isAllowedNavigation('http://localhost:5173/', '')).toBe(false)
    expect(isAllowedNavigation('about:blank', 'about:blank')).toBe(false)
    expect(isAllowedNavigation('javascript:void(0)', 'javascript:void(0)')).toBe(false)
  })
})

describe('isAllowedExternalUrl', () => {
  it('allows the Langflow docs and the langflow-ai GitHub organisation over https', () => {
    expect(EXTERNAL_URL_ALLOWLIST).toEqual(['https://docs.langflow.org/', 'https://github.com/langflow-ai/'])
    expect(isAllowedExternalUrl('https://docs.langflow.org/')).toBe(true)
    expect(isAllowedExternalUrl('https://docs.langflow.org/configuration-api-keys#section')).toBe(true)
    expect(isAllowedExternalUrl('https://docs.langflow.org')).toBe(true) // normalized to a trailing slash
    expect(isAllowedExternalUrl('https://github.com/langflow-ai/langflow')).toBe(true)
    expect(isAllowedExternalUrl('https://github.com/langflow-ai/langflow/issues?q=key')).toBe(true)
    expect(isAllowedExternalUrl('https://GitHub.com/langflow-ai/langflow')).toBe(true)
  })

  it('rejects non-https schemes', () => {
    expect(isAllowedExternalUrl('http://docs.langflow.org/')).toBe(false)
    expect(isAllowedExternalUrl('http://github.com/langflow-ai/langflow')).toBe(false)
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false)
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false)
    expect(isAllowedExternalUrl('data:text/html,hi')).toBe(false)
    expect(isAllowedExternalUrl('ftp://docs.langflow.org/')).toBe(false)
  })

  it('rejects other hosts and lookalikes', () => {
    expect(isAllowedExternalUrl('https://evil.com/')).toBe(false)
    expect(isAllowedExternalUrl('https://docs.langflow.org.evil.com/')).toBe(false)
    expect(isAllowedExternalUrl('https://evil-docs.langflow.org/')).toBe(false)
    expect(isAllowedExternalUrl('https://langflow.org/')).toBe(false)
    expect(isAllowedExternalUrl('https://github.com.evil.com/langflow-ai/langflow')).toBe(false)
    expect(isAllowedExternalUrl('https://gist.github.com/langflow-ai/x')).toBe(false)
  })

  it('rejects other GitHub owners and path tricks', () => {
    expect(isAllowedExternalUrl('https://github.com/')).toBe(false)
    expect(isAllowedExternalUrl('https://github.com/langflow-ai')).toBe(false)
    expect(isAllowedExternalUrl('https://github.com/langflow-ai-evil/repo')).toBe(false)
    expect(isAllowedExternalUrl('https://github.com/evil/langflow-ai/')).toBe(false)
    expect(isAllowedExternalUrl('https://github.com/langflow-ai/../evil/repo')).toBe(false)
    expect(isAllowedExternalUrl('https://github.com/langflow-ai/%2e%2e/evil')).toBe(false)
    expect(isAllowedExternalUrl('https://github.com/langflow-ai%2F..%2Fevil')).toBe(false)
  })

  it('rejects credentials and non-default ports', () => {
    expect(isAllowedExternalUrl('https://user:pass@docs.langflow.org/')).toBe(false)
    expect(isAllowedExternalUrl('https://token@github.com/langflow-ai/langflow')).toBe(false)
    expect(isAllowedExternalUrl('https://docs.langflow.org@evil.com/')).toBe(false)
    expect(isAllowedExternalUrl('https://docs.langflow.org:8443/')).toBe(false)
  })

  it('rejects malformed and oversized input', () => {
    expect(isAllowedExternalUrl('')).toBe(false)
    expect(isAllowedExternalUrl('docs.langflow.org')).toBe(false)
    expect(isAllowedExternalUrl('//docs.langflow.org/')).toBe(false)
    expect(isAllowedExternalUrl(`https://docs.langflow.org/${'a'.repeat(5000)}`)).toBe(false)
  })

  it('normalizes what it hands to the OS', () => {
    expect(normalizeExternalUrl('https://DOCS.langflow.org:443/a/./b')).toBe('https://docs.langflow.org/a/b')
    expect(normalizeExternalUrl('https://evil.com/')).toBeNull()
  })
})

describe('isTrustedSender', () => {
  it('trusts only the frame showing the app itself', () => {
    const app = 'app://flowkeys'
    expect(isTrustedSender('app://flowkeys/index.html', app)).toBe(true)
    expect(isTrustedSender('app://flowkeys/index.html#/keys', app)).toBe(true)
    expect(isTrustedSender('http://localhost:5173/', 'http://localhost:5173')).toBe(true)
    expect(isTrustedSender('app://flowkeys/assets/index.js', app)).toBe(false)
    expect(isTrustedSender('app://evil/index.html', app)).toBe(false)
    expect(isTrustedSender('file:///opt/FlowKeys/resources/app.asar/out/renderer/index.html', app)).toBe(
      false
    )
    expect(isTrustedSender('file:///tmp/evil.html', app)).toBe(false)
    expect(isTrustedSender('https://docs.langflow.org/', app)).toBe(false)
    expect(isTrustedSender('http://localhost:5173/', app)).toBe(false)
    expect(isTrustedSender('about:blank', app)).toBe(false)
    expect(isTrustedSender('', app)).toBe(false)
    expect(isTrustedSender(null, app)).toBe(false)
    expect(isTrustedSender(undefined, app)).toBe(false)
  })
})

describe('secureWebPreferences, in full', () => {
  it('turns off every Node and remote-content door', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs') as unknown as Record<string, unknown>
    expect(prefs.navigateOnDragDrop).toBe(false)
    expect(prefs.spellcheck).toBe(false)
    // Nothing that would re-open a door may be set at all.
    for (const absent of [
      'enableRemoteModule',
      'nodeIntegrationInWorker',
      'additionalArguments',
      'enableBlinkFeatures'
    ]) {
      if (absent in prefs) expect(prefs[absent]).toBe(false)
    }
  })
})
