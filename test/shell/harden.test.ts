import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { hardenSession, hardenWebContents } from '../../src/main/shell/harden'

const APP = 'app://flowkeys'
const ENTRY = 'app://flowkeys/index.html'

type WindowOpen = (details: { url: string }) => { action: string }

/** The parts of webContents that hardenWebContents touches. */
class FakeContents extends EventEmitter {
  windowOpen: WindowOpen | undefined
  setWindowOpenHandler(handler: WindowOpen): void {
    this.windowOpen = handler
  }
  /** Emits like Electron and tells whether a listener called preventDefault. */
  fire(name: string, ...args: unknown[]): boolean {
    let prevented = false
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args)
    return prevented
  }
}

function setup() {
  const contents = new FakeContents()
  const openInBrowser = vi.fn(async (_url: string) => undefined)
  const warn = vi.fn()
  hardenWebContents(contents as never, { appOrigin: APP, openInBrowser, warn })
  return { contents, openInBrowser, warn }
}

describe('navigation', () => {
  it('lets the window navigate within the app', () => {
    const { contents } = setup()
    expect(contents.fire('will-navigate', `${ENTRY}#/server`)).toBe(false)
    expect(contents.fire('will-redirect', ENTRY)).toBe(false)
  })

  it('blocks navigation and redirects anywhere else', () => {
    const { contents, warn } = setup()
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'file:///app/out/renderer/index.html',
      'app://flowkeys/assets/index.js',
      'app://evil/index.html',
      'javascript:alert(1)',
      'http://localhost:5173/'
    ]) {
      expect(contents.fire('will-navigate', url)).toBe(true)
      expect(contents.fire('will-redirect', url)).toBe(true)
    }
    expect(warn).toHaveBeenCalled()
  })

  it('blocks <webview>', () => {
    const { contents } = setup()
    expect(contents.fire('will-attach-webview', {}, {})).toBe(true)
  })
})

describe('window.open', () => {
  it('never opens a window; allowlisted https links go to the browser', () => {
    const { contents, openInBrowser } = setup()
    expect(contents.windowOpen?.({ url: 'https://docs.langflow.org/api-keys' })).toEqual({ action: 'deny' })
    expect(openInBrowser).toHaveBeenCalledWith('https://docs.langflow.org/api-keys')
  })

  it('drops everything else', () => {
    const { contents, openInBrowser, warn } = setup()
    for (const url of [
      'https://evil.example/',
      'http://docs.langflow.org/',
      ENTRY,
      'file:///etc/passwd',
      'about:blank'
    ]) {
      expect(contents.windowOpen?.({ url })).toEqual({ action: 'deny' })
    }
    expect(openInBrowser).not.toHaveBeenCalled()
    expect(warn).toHaveBeenCalledTimes(5)
  })
})

describe('permissions', () => {
  it('denies every permission request and check', () => {
    let request: ((c: unknown, p: string, callback: (granted: boolean) => void) => void) | undefined
    let check: ((...args: unknown[]) => boolean) | undefined
    hardenSession({
      setPermissionRequestHandler: (handler: typeof request) => (request = handler),
      setPermissionCheckHandler: (handler: typeof check) => (check = handler)
    } as never)
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
      const callback = vi.fn()
      request?.({}, permission, callback)
      expect(callback).toHaveBeenCalledWith(false)
      expect(check?.({}, permission, 'file://')).toBe(false)
    }
  })
})
