import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { CONCEALED, Masker } from '../../src/main/cli/mask-stream'
import { builtCli } from '../helpers/bundle'
import { tempDir } from '../helpers/tmp'
import { cliEnv, expectNoFileHolds, expectOneLineError, flowkeys, ok, type CliResult } from './helpers'

const root = tempDir('flowkeys-cli-run-')

const tag = randomUUID().slice(0, 8)
const A = `alpha-${tag}-secret`
const B = `bravo-${tag}-secret`
const GEN = `generic-${tag}-value`
const ODD = `odd-name-${tag}-value`
const SHORT = 'abc'

/** Masks `text` written in `chunks` pieces (split at the given byte offsets). */
function maskInChunks(masker: Masker, bytes: Buffer, cuts: number[]): Buffer {
  const out: Buffer[] = []
  let from = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(masker.write(bytes.subarray(from, cut)))
    from = cut
  }
  out.push(masker.write(bytes.subarray(from)), masker.end())
  return Buffer.concat(out)
}

describe('Masker', () => {
  it('replaces values, longest first, also when split across writes and inside multi-byte characters', () => {
    const masker = new Masker(['abcd', 'abcdefgh', 'clé🔑-x'])
    const text = Buffer.from('xx abcdefgh yy abcd zz clé🔑-x abc')
    const expected = `xx ${CONCEALED} yy ${CONCEALED} zz ${CONCEALED} abc`
    for (let cut = 0; cut <= text.length; cut++) {
      expect(maskInChunks(masker, text, [cut]).toString()).toBe(expected)
    }
    // Byte by byte.
    const cuts = Array.from({ length: text.length }, (_, i) => i)
    expect(maskInChunks(masker, text, cuts).toString()).toBe(expected)
  })

  it('holds back only what could still become a value, and releases it at the end', () => {
    const masker = new Masker(['secret-value'])
    expect(masker.write(Buffer.from('prompt: sec')).toString()).toBe('prompt: ')
    expect(masker.write(Buffer.from('ond')).toString()).toBe('second')
    expect(masker.write(Buffer.from('tail secret-va')).toString()).toBe('tail ')
    expect(masker.end().toString()).toBe('secret-va')
  })

  it('leaves values shorter than 4 characters alone', () => {
    const masker = new Masker(['abc', 'abcd'])
    expect(Buffer.concat([masker.write(Buffer.from('abc abcd')), masker.end()]).toString()).toBe(
      `abc ${CONCEALED}`
    )
    expect(new Masker(['abc', '']).active).toBe(false)
  })

  it('property: any chunking gives the same output as one write, and no value survives', () => {
    const value = fc.stringMatching(/^[ab]{4,8}$/)
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 4 }),
        fc.stringMatching(/^[abc]{0,120}$/),
        fc.array(fc.nat(), { maxLength: 8 }),
        (values, text, rawCuts) => {
          const bytes = Buffer.from(text)
          const cuts = rawCuts.map((c) => (bytes.length ? c % (bytes.length + 1) : 0))
          const whole = maskInChunks(new Masker(values, '#'), bytes, []).toString()
          expect(maskInChunks(new Masker(values, '#'), bytes, cuts).toString()).toBe(whole)
          for (const v of values) expect(whole).not.toContain(v)
        }
      ),
      { numRuns: 500 }
    )
  })
})

describe('flowkeys run', () => {
  const dataDir = join(root, 'data')
  const node = process.execPath
  const outputs: CliResult[] = []

  /** `flowkeys run [options] -- node -e <script>`. */
  const run = async (options: string[], script: string, env?: NodeJS.ProcessEnv): Promise<CliResult> => {
    const result = await flowkeys(['run', '--data-dir', dataDir, ...options, '--', node, '-e', script], {
      env: cliEnv(env)
    })
    outputs.push(result)
    return result
  }
  const warning =
    'flowkeys: warning: not injected (not a valid environment variable name or value): odd name\n'

  beforeAll(async () => {
    await ok(dataDir, ['import-env', '-'], `SECRET_A=${A}\nSECRET_B=${B}\nSHORT=${SHORT}\n`)
    await ok(dataDir, ['vars', 'set', 'GEN', '--type', 'Generic', '--value-stdin'], GEN)
    // Created all the same, with the warning that run will leave it out.
    const odd = await flowkeys(['vars', 'set', 'odd name', '--value-stdin', '--data-dir', dataDir], {
      input: ODD
    })
    expect(odd.code).toBe(0)
    expect(odd.stderr).toMatch(/odd name is not a \.env name/)
  })

  it('injects the variables and masks their values in stdout and stderr by default', async () => {
    const result = await run(
      [],
      'process.stdout.write(process.env.SECRET_A + " " + process.env.GEN + " " + process.env.SHORT);' +
        'process.stderr.write("err: " + process.env.SECRET_B)'
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`${CONCEALED} ${CONCEALED} ${SHORT}`)
    // Names that cannot be environment variables are skipped, by name.
    expect(result.stderr).toBe(`${warning}err: ${CONCEALED}`)
  })

  it('a value written in two pieces is still masked', async () => {
    const result = await run(
      [],
      'const v = process.env.SECRET_A; process.stdout.write("start " + v.slice(0, 9));' +
        'setTimeout(() => process.stdout.write(v.slice(9) + " end\\n"), 100)'
    )
    expect(result.stdout).toBe(`start ${CONCEALED} end\n`)
    const bytewise = await run(
      [],
      'const fs = require("fs"); for (const b of Buffer.from("[" + process.env.SECRET_B + "]")) fs.writeSync(1, Buffer.from([b]))'
    )
    expect(bytewise.stdout).toBe(`[${CONCEALED}]`)
  })

  it('--no-masking leaves the output as the command wrote it', async () => {
    const result = await run(['--no-masking'], 'process.stdout.write(process.env.SECRET_A)')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(A)
    expect(result.stderr).toBe(warning)
  })

  it('--only injects just those variables; an unknown name runs nothing (exit 1)', async () => {
    const show =
      'process.stdout.write(JSON.stringify(["SECRET_A","SECRET_B","GEN"].map((n) => n in process.env)))'
    expect((await run(['--only', 'SECRET_B'], show)).stdout).toBe('[false,true,false]')
    expect((await run(['--only', 'GEN,SECRET_A'], show)).stdout).toBe('[true,false,true]')
    const marker = join(root, 'only-marker')
    const refused = await run(
      ['--only', `SECRET_A,NOPE_${tag}`],
      `require("fs").writeFileSync(${JSON.stringify(marker)}, "ran")`
    )
    expect(expectOneLineError(refused, 1)).toBe(`flowkeys: NOPE_${tag} variable not found. Nothing was run.`)
    expect(existsSync(marker)).toBe(false)
  })

  it('a stored variable wins over an inherited one; the rest of the environment is passed on', async () => {
    const result = await run(
      ['--only', 'SECRET_A'],
      'process.stdout.write(String(process.env.SECRET_A === "inherited") + " " + process.env.PARENT_ONLY)',
      { SECRET_A: 'inherited', PARENT_ONLY: `parent-${tag}` }
    )
    expect(result.stdout).toBe(`false parent-${tag}`)
  })

  it("passes the command's exit code through, and 128 + the signal number when a signal ends it", async () => {
    expect((await run([], 'process.exit(7)')).code).toBe(7)
    expect((await run([], 'process.kill(process.pid, "SIGTERM")')).code).toBe(143)
    expect((await run(['--no-masking'], 'process.kill(process.pid, "SIGKILL")')).code).toBe(137)
  })

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('forwards %s to the command', async (signal) => {
    const marker = join(root, `signal-${signal}`)
    const script =
      `process.on(${JSON.stringify(signal)}, (s) => { require("fs").writeFileSync(${JSON.stringify(marker)}, s); process.exit(0) });` +
      'process.stdout.write("ready\\n"); setInterval(() => undefined, 1000)'
    const child = spawn(
      process.execPath,
      [builtCli(), 'run', '--data-dir', dataDir, '--', node, '-e', script],
      {
        env: cliEnv(),
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    let stdout = ''
    const ready = new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk
        if (stdout.includes('ready\n')) resolve()
      })
    )
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
    await ready
    child.kill(signal)
    expect(await exited).toBe(0)
    expect(readFileSync(marker, 'utf8')).toBe(signal)
  })

  it('bad usage is exit 2 (no --, no command, the command before --); a missing command is 127', async () => {
    const usage = (args: string[]) => flowkeys(['run', '--data-dir', dataDir, ...args], { env: cliEnv() })
    expect(expectOneLineError(await usage([]), 2)).toMatch(/after --/)
    expect(expectOneLineError(await usage(['--']), 2)).toMatch(/after --/)
    expect(expectOneLineError(await usage([node, '--', '-e', '1']), 2)).toMatch(/after --/)
    expect(expectOneLineError(await usage([node, '-e', '1']), 2)).toMatch(/unknown option '-e'/)
    const missing = await usage(['--', `no-such-command-${tag}`])
    expect(missing.code).toBe(127)
    expect(missing.stderr).toBe(`${warning}flowkeys: no-such-command-${tag}: command not found\n`)
  })

  it('flowkeys itself never printed a value, and no file in the data dir holds one', () => {
    const masked = outputs.filter((o) => !o.stdout.startsWith(A))
    expect(masked.length).toBeGreaterThan(5)
    for (const { stdout, stderr } of masked) {
      for (const value of [A, B, GEN, ODD]) {
        expect(stdout).not.toContain(value)
        expect(stderr).not.toContain(value)
      }
    }
    expectNoFileHolds(dataDir, [A, B, GEN, ODD])
  })
})
