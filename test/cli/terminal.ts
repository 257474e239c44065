import { PassThrough } from 'node:stream'
import type { CliIO } from '../../src/main/cli/io'
import { runCli } from '../../src/main/cli/program'
import { cliEnv } from './helpers'

/** A terminal stand-in: raw mode is recorded, and each prompt is answered with the next scripted keystrokes. */
export class FakeTerminal extends PassThrough {
  readonly isTTY = true
  raw = false
  rawDuringPrompts: boolean[] = []
  setRawMode(mode: boolean): this {
    this.raw = mode
    return this
  }
}

export interface Session {
  io: CliIO
  shown: string[]
  run(args: string[]): Promise<number>
}

/** `answers[i]` is what is typed at the i-th prompt: one string, or several chunks (separate key presses). */
export function session(dataDir: string, answers: (string | string[])[]): Session {
  const stdin = new FakeTerminal()
  const shown: string[] = []
  const io: CliIO = {
    out: (text) => void shown.push(text),
    err: (text) => void shown.push(text),
    prompt: (text) => {
      shown.push(text)
      if (text.trim() === '') return
      stdin.rawDuringPrompts.push(stdin.raw)
      const answer = answers.shift()
      const chunks = answer === undefined ? [] : [answer].flat()
      const typeNext = () => {
        const chunk = chunks.shift()
        if (chunk === undefined) return
        stdin.write(chunk)
        setImmediate(typeNext)
      }
      setImmediate(typeNext)
    },
    stdoutIsTTY: true,
    stdin,
    env: cliEnv({ NO_COLOR: '1' })
  }
  return { io, shown, run: (args) => runCli([...args, '--data-dir', dataDir], io) }
}
