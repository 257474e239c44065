// Debian's Chromium, as the renderer tests, Playwright's config and the benchmark of the Global variables page
// launch it: nothing is downloaded (no `playwright install`).

export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]
