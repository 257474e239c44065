import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import type { Agent as HttpsAgent } from 'node:https'
import type { Readable } from 'node:stream'
import { UpstreamFailed, UpstreamTimeout } from '../base/errors'
import type { UpstreamTarget } from './target'

/** One request to the upstream. `path` starts with `/api/`; the upstream key is added here, nowhere else. */
export interface UpstreamRequest {
  method: 'GET' | 'POST'
  path: string
  /** Already without any FlowKeys key. */
  query?: URLSearchParams
  headers?: Record<string, string>
  /** A JSON text, or a stream (a file upload), sent as it arrives. */
  body?: string | Buffer | Readable
  /** No byte from the upstream for this long: 504 before the answer started, the stream cut after. */
  idleTimeoutMs?: number
}

/** How long the upstream may stay silent: a flow calling a model can think for minutes. */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000

// Idle connections are closed before uvicorn's own 5 s keep-alive ends them: a POST is never sent on a socket the
// upstream is closing (and a POST is never retried: it may have run).
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 128, timeout: 4_000 }
const httpAgent = new HttpAgent(AGENT_OPTIONS)
// node:https (TLS) loads on the first https upstream: every CLI command opens the core, few ever forward.
let https: Promise<{ request: typeof httpRequest; agent: HttpsAgent }> | undefined

function transport(secure: boolean): Promise<{ request: typeof httpRequest; agent: HttpAgent }> {
  if (!secure) return Promise.resolve({ request: httpRequest, agent: httpAgent })
  https ??= import('node:https').then((m) => ({ request: m.request, agent: new m.Agent(AGENT_OPTIONS) }))
  return https
}

/** The upstream's answer; its body is the live stream (the caller reads or pipes it). */
export type UpstreamAnswer = IncomingMessage

function describe(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'refused the connection (is Langflow running there?)'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'has a host name that does not resolve'
    case 'ECONNRESET':
    case 'EPIPE':
      return 'closed the connection before answering'
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'cannot be reached from this machine'
    default:
      if (err.code?.startsWith('ERR_TLS') || err.code?.includes('CERT'))
        return `failed the TLS handshake (${err.code})`
      return `could not be reached (${err.code ?? 'network error'})`
  }
}

/**
 * Sends `req` to the upstream with its own key and answers its response as it starts. Network failures become
 * UpstreamFailed (502) and silence UpstreamTimeout (504), naming the upstream's URL, never its key.
 */
export async function sendUpstream(target: UpstreamTarget, req: UpstreamRequest): Promise<UpstreamAnswer> {
  const url = new URL(target.url + req.path)
  if (req.query) url.search = req.query.toString()
  const { request, agent } = await transport(url.protocol === 'https:')
  const headers: Record<string, string> = { ...req.headers, 'x-api-key': target.apiKey }
  const body = req.body
  if (typeof body === 'string' || Buffer.isBuffer(body))
    headers['content-length'] = String(Buffer.byteLength(body))
  const idle = req.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
  const where = `The Langflow upstream at ${target.url}`

  return new Promise<UpstreamAnswer>((resolve, reject) => {
    const outgoing = request(url, { method: req.method, headers, agent })
    let answered = false
    // A body that fails on its way (an upload over its limit) is the answer's reason, not the network.
    let bodyError: Error | undefined
    outgoing.setTimeout(idle, () => {
      const timeout = new UpstreamTimeout(`${where} did not answer within ${Math.round(idle / 1000)} s`)
      outgoing.destroy(timeout)
    })
    outgoing.on('error', (err: NodeJS.ErrnoException) => {
      if (answered) return
      if (bodyError) reject(bodyError)
      else reject(err instanceof UpstreamTimeout ? err : new UpstreamFailed(`${where} ${describe(err)}`))
    })
    outgoing.on('response', (response) => {
      answered = true
      resolve(response)
    })
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
      outgoing.end(body)
    } else {
      body.on('error', (err) => {
        bodyError = err
        outgoing.destroy(err)
      })
      body.pipe(outgoing)
    }
  })
}

/** Reads a whole (small) upstream answer as text, at most `limit` bytes. */
export async function readText(answer: UpstreamAnswer, limit = 16 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of answer as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) {
      answer.destroy()
      throw new UpstreamFailed('The Langflow upstream answered with more than FlowKeys reads')
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}
