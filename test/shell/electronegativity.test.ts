import { execFile } from 'node:child_process'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const fixtures = 'test/fixtures/electronegativity'

function gate(input: string): Promise<{ code: number; lines: string[] }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(root, 'scripts/electronegativity.mjs'), input],
      { cwd: root, timeout: 120_000 },
      (error, stdout) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        done({ code, lines: stdout.split('\n').filter(Boolean) })
      }
    )
  })
}

describe('the Electronegativity gate', () => {
  // The four scans run at once: each spends most of its time waiting on the tool's network timeouts.
  const runs = {
    src: gate('src'),
    insecure: gate(`${fixtures}/insecure`),
    nodeIntegration: gate(`${fixtures}/node-integration`),
    hardened: gate(`${fixtures}/hardened`)
  }

  it("passes FlowKeys' own sources", async () => {
    const { code, lines } = await runs.src
    expect(lines.filter((l) => l.startsWith('✗'))).toEqual([])
    expect(lines.at(-1)).toMatch(/0 blocking/)
    expect(code).toBe(0)
  })

  it('fails an app with the classic mistakes, one finding per line', async () => {
    const { code, lines } = await runs.insecure
    expect(code).toBe(1)
    for (const id of [
      'CONTEXT_ISOLATION_JS_CHECK',
      'SANDBOX_JS_CHECK',
      'LIMIT_NAVIGATION_GLOBAL_CHECK',
      'CSP_GLOBAL_CHECK'
    ]) {
      expect(lines.some((l) => l.startsWith('✗') && l.includes(id))).toBe(true)
    }
    expect(lines.find((l) => l.includes('OPEN_EXTERNAL_JS_CHECK'))).toMatch(/insecure\/main\.js:13 /)
  })

  it('fails nodeIntegration: true even though Electronegativity rates it informational', async () => {
    const { code, lines } = await runs.nodeIntegration
    expect(code).toBe(1)
    expect(lines.find((l) => l.includes('NODE_INTEGRATION_JS_CHECK'))).toMatch(
      /^✗ INFORMATIONAL .*main\.js:17 /
    )
  })

  it('passes a hardened app, honouring a reviewed eng-disable comment', async () => {
    const { code, lines } = await runs.hardened
    expect(lines.some((l) => l.includes('PRELOAD_JS_CHECK'))).toBe(false)
    expect(lines.at(-1)).toMatch(/0 blocking/)
    expect(code).toBe(0)
  })
})
