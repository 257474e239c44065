import { type IncomingMessage, ServerResponse } from 'node:http'

/**
 * Memory for large response bodies (a listing of 10,000 keys is 2.7 MB), used again once Node has written a body
 * out. A body in a fresh Buffer each time is freed only when V8 next collects its young generation, and the
 * requests in between leave theirs waiting: under a loop of such listings that garbage was 30-35 MB of the key
 * server's peak memory. Bodies are lent as views of a few kept buffers; ServedResponse, the server's response
 * class, gives each back when the response's last byte has gone to the socket ('finish'). A body that never
 * gets there (a dropped connection, a HEAD request, inject()) is simply not given back: the garbage collector
 * frees it as before. Never lend a body something else keeps (a cached answer): it would be overwritten.
 */

/** Buffers kept for reuse: enough for the answers a few connections have in flight at once. */
const MAX_KEPT = 4
/** Kept buffers are dropped after this long without a large answer, so an idle server holds none. */
const IDLE_MS = 30_000
/** Room to grow: the same listing a few bytes longer (a use counted) still fits the buffer it had. */
const GROWTH = 1.125
const GRAIN = 64 * 1024

const kept: Buffer[] = []
/** Lent views, each with the whole buffer it is part of. */
const lent = new WeakMap<Uint8Array, Buffer>()
let idleTimer: NodeJS.Timeout | undefined
let lastLent = 0
/** Buffers made so far (for tests: reuse shows as no new ones). */
let made = 0

/** `size` bytes to write a response body into, to be given back through `giveBack` once written out. */
export function lendBody(size: number): Buffer {
  lastLent = Date.now()
  // The smallest kept buffer that fits.
  let best = -1
  for (let i = 0; i < kept.length; i++) {
    if (kept[i]!.length >= size && (best === -1 || kept[i]!.length < kept[best]!.length)) best = i
  }
  let whole: Buffer
  if (best !== -1) whole = kept.splice(best, 1)[0]!
  else {
    whole = Buffer.allocUnsafeSlow(Math.ceil((size * GROWTH) / GRAIN) * GRAIN)
    made++
  }
  const view = whole.subarray(0, size)
  lent.set(view, whole)
  return view
}

/** Whether `chunk` is a body lent by lendBody and not given back yet. */
export function isLentBody(chunk: unknown): chunk is Buffer {
  return chunk instanceof Uint8Array && lent.has(chunk)
}

/** Takes a lent body back: its memory may then be lent again. Only once nothing will read it any more. */
export function giveBack(view: Buffer): void {
  const whole = lent.get(view)
  if (!whole) return
  lent.delete(view)
  if (kept.length < MAX_KEPT) kept.push(whole)
  idleTimer ??= setTimeout(dropWhenIdle, IDLE_MS).unref()
}

function dropWhenIdle(): void {
  idleTimer = undefined
  const idleFor = Date.now() - lastLent
  if (idleFor >= IDLE_MS) kept.length = 0
  else idleTimer = setTimeout(dropWhenIdle, IDLE_MS - idleFor).unref()
}

/** How many buffers lendBody made, and how many are kept for reuse now. */
export function bodyBufferStats(): { made: number; kept: number } {
  return { made, kept: kept.length }
}

/**
 * The key server's response: as Node's, and gives a lent body back once written out. Fastify writes a body with
 * one `end(body)` call (a response without trailers); the callback of end() runs on 'finish', when Node has
 * handed the last byte to the socket and holds no reference to the body any more.
 */
export class ServedResponse<
  Request extends IncomingMessage = IncomingMessage
> extends ServerResponse<Request> {
  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    if (!isLentBody(chunk))
      return super.end(chunk as string, encoding as BufferEncoding, callback as () => void)
    const done = typeof encoding === 'function' ? encoding : callback
    return super.end(
      chunk,
      typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
      (err?: Error) => {
        giveBack(chunk)
        if (typeof done === 'function') (done as (err?: Error) => void)(err)
      }
    )
  }
}
