import { Transform, type TransformCallback } from 'node:stream'

/** What `flowkeys run` writes in place of an injected value, as `op run` writes `<concealed by 1Password>`. */
export const CONCEALED = '<concealed by FlowKeys>'

/** Shorter values are left alone: masking every `1` or `yes` in a program's output would garble it. */
export const MIN_MASKED_LENGTH = 4

/**
 * Replaces secrets in a byte stream that arrives in arbitrary chunks. Matching is on UTF-8 bytes, so a value
 * split anywhere (even inside a multi-byte character) is still found. At each position the longest value that
 * matches wins; a tail that could still grow into a value is held back until the next chunk shows whether it
 * does, and released by `end()`. Nothing is ever released on a timer: half a secret now and half later would
 * show the whole of it.
 */
export class Masker {
  /** Values by first byte, longest first. */
  private readonly byFirstByte = new Map<number, Buffer[]>()
  private readonly replacement: Buffer
  private held: Buffer = Buffer.alloc(0)

  constructor(values: Iterable<string>, replacement: string = CONCEALED) {
    this.replacement = Buffer.from(replacement)
    const unique = [...new Set(values)]
      .filter((v) => v.length >= MIN_MASKED_LENGTH)
      .map((v) => Buffer.from(v))
    unique.sort((a, b) => b.length - a.length)
    for (const value of unique) {
      const first = value[0] as number
      const list = this.byFirstByte.get(first)
      if (list) list.push(value)
      else this.byFirstByte.set(first, [value])
    }
  }

  /** Whether there is anything to mask at all (when not, a stream can pass through untouched). */
  get active(): boolean {
    return this.byFirstByte.size > 0
  }

  /** The masked bytes that are safe to write now; a possible start of a value is kept for the next call. */
  write(chunk: Buffer): Buffer {
    return this.scan(this.held.length ? Buffer.concat([this.held, chunk]) : chunk, false)
  }

  /** The rest, at the end of the stream: a held tail that never became a value is released (masked within). */
  end(): Buffer {
    return this.scan(this.held, true)
  }

  private scan(buf: Buffer, final: boolean): Buffer {
    const out: Buffer[] = []
    let copied = 0
    let i = 0
    this.held = Buffer.alloc(0)
    scanning: while (i < buf.length) {
      const candidates = this.byFirstByte.get(buf[i] as number)
      if (candidates) {
        const remaining = buf.length - i
        for (const value of candidates) {
          if (remaining >= value.length) {
            if (buf.compare(value, 0, value.length, i, i + value.length) === 0) {
              out.push(buf.subarray(copied, i), this.replacement)
              i += value.length
              copied = i
              continue scanning
            }
          } else if (!final && buf.compare(value, 0, remaining, i, buf.length) === 0) {
            // A longer value may still match here once more bytes arrive: hold from here on.
            this.held = Buffer.from(buf.subarray(i))
            out.push(buf.subarray(copied, i))
            return Buffer.concat(out)
          }
        }
      }
      i++
    }
    out.push(buf.subarray(copied))
    return Buffer.concat(out)
  }
}

/** A stream that masks `values` in whatever flows through it (a child's stdout or stderr). */
export function maskStream(values: Iterable<string>, replacement: string = CONCEALED): Transform {
  const masker = new Masker(values, replacement)
  return new Transform({
    transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      const masked = masker.write(bytes)
      callback(null, masked.length ? masked : undefined)
    },
    flush(callback: TransformCallback) {
      const rest = masker.end()
      callback(null, rest.length ? rest : undefined)
    }
  })
}
