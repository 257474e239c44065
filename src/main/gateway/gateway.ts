import type { Readable } from 'node:stream'
import type { AccessLog } from '../audit/access-log'
import type { Principal } from '../auth/service'
import { Forbidden, NotFound, Unavailable, UpstreamFailed } from '../base/errors'
import { canonicalFlow, flowAllowed } from '../keys/allowed-flows'
import { readText, sendUpstream, type UpstreamAnswer, type UpstreamRequest } from '../upstream/client'
import { probeUpstream } from '../upstream/probe'
import type { UpstreamService } from '../upstream/service'
import type { UpstreamTarget } from '../upstream/target'
import type { VariableService } from '../variables/service'
import { checkFilesAccess, checkRunAccess, flowNotAllowed } from './access'
import {
  allAsHeaders,
  honoursGlobalVarHeaders,
  leavingOut,
  planCredentials,
  requestVariableName,
  type CredentialPlan
} from './credentials'
import type { GatewaySettings } from './settings'
import type { CredentialMode } from '../../shared/upstream-credentials'

export const NO_UPSTREAM =
  'No Langflow upstream is set: run `flowkeys upstream set URL` or set FLOWKEYS_UPSTREAM_URL'

/** A flow as the upstream's `GET /api/v1/flows/{id}` answers it (Langflow's FlowRead; only what is used). */
interface FlowRead {
  id: string
  endpoint_name?: string | null
  data?: unknown
}

/** How long the upstream's version is trusted before it is asked again (an upgrade changes the carrier). */
const VERSION_TTL_MS = 10 * 60_000

/** A request body of a run, when it is one FlowKeys can add credentials to. */
type RunBody = Record<string, unknown>

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * FlowKeys in front of a Langflow server: authenticated callers' runs, webhooks and file uploads are forwarded
 * with the upstream's own key, and a run gets the caller's credentials for the fields its flow loads from the
 * database. Who may do what is in access.ts; what leaves FlowKeys is in credentials.ts.
 */
export class Gateway {
  private versions = new Map<string, { version: string | null; at: number }>()

  constructor(
    private readonly upstream: UpstreamService,
    private readonly variables: Pick<VariableService, 'variablesFor'>,
    private readonly accessLog: Pick<AccessLog, 'record'>,
    private readonly settings: GatewaySettings
  ) {}

  /** The largest upload streamed through, in bytes. */
  get uploadLimit(): number {
    return this.settings.maxUploadBytes
  }

  /**
   * `POST /api/v1/run/{flow}`: the caller's credentials go with the run; the upstream's answer (JSON, or the
   * event stream with `stream=true`) comes back as it arrives. `requestVariables` are the client's own
   * `X-LANGFLOW-GLOBAL-VAR-*` headers: passed on, and they win over the caller's stored variables of those names.
   */
  async run(
    principal: Principal,
    flow: string,
    query: URLSearchParams,
    body: unknown,
    requestVariables: Record<string, string> = {}
  ): Promise<UpstreamAnswer> {
    const target = await this.target()
    const read = await this.checkFlow(principal, flow, target)
    const request: UpstreamRequest = {
      method: 'POST',
      path: `/api/v1/run/${encodeURIComponent(flow)}`,
      query,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...requestVariables
      }
    }
    // A body Langflow will refuse (not an object, tweaks not an object) goes as it is, with no credential.
    const runBody: RunBody | null = body === undefined ? {} : isObject(body) ? body : null
    const tweaks = runBody?.tweaks
    if (runBody && (tweaks === undefined || tweaks === null || isObject(tweaks))) {
      const plan = await this.planFor(principal, target, {
        flow,
        read,
        tweaks: (tweaks as RunBody | null | undefined) ?? null,
        clientSets: new Set(Object.keys(requestVariables).map(requestVariableName))
      })
      Object.assign(request.headers!, plan.headers)
      request.body = JSON.stringify(plan.carrier === 'tweaks' ? { ...runBody, tweaks: plan.tweaks } : runBody)
      this.logServed(principal, plan.served)
    } else {
      request.body = JSON.stringify(body)
    }
    return this.send(target, request)
  }

  /** `POST /api/v1/webhook/{flow}`: the payload as it came; Langflow's webhooks take no request variables. */
  async webhook(
    principal: Principal,
    flow: string,
    body: Buffer,
    contentType: string | undefined
  ): Promise<UpstreamAnswer> {
    const target = await this.target()
    await this.checkFlow(principal, flow, target)
    return this.send(target, {
      method: 'POST',
      path: `/api/v1/webhook/${encodeURIComponent(flow)}`,
      headers: contentType ? { 'content-type': contentType } : {},
      body
    })
  }

  /** `POST /api/v1/files/upload/{flow_id}`: a file for one flow, streamed to the upstream. */
  async uploadFlowFile(principal: Principal, flowId: string, upload: StreamedBody): Promise<UpstreamAnswer> {
    const target = await this.target()
    await this.checkFlow(principal, flowId, target)
    return this.send(target, {
      method: 'POST',
      path: `/api/v1/files/upload/${encodeURIComponent(flowId)}`,
      headers: upload.headers,
      body: upload.stream
    })
  }

  /** `GET /api/v2/files`: the upstream owner's files. */
  async listFiles(principal: Principal): Promise<UpstreamAnswer> {
    checkFilesAccess(principal)
    return this.send(await this.target(), { method: 'GET', path: '/api/v2/files' })
  }

  /** `POST /api/v2/files`: a file into the upstream owner's files, streamed. */
  async uploadFile(principal: Principal, upload: StreamedBody): Promise<UpstreamAnswer> {
    checkFilesAccess(principal)
    return this.send(await this.target(), {
      method: 'POST',
      path: '/api/v2/files',
      headers: upload.headers,
      body: upload.stream
    })
  }

  private async target(): Promise<UpstreamTarget> {
    const target = await this.upstream.target()
    if (!target) throw new Unavailable(NO_UPSTREAM)
    return target
  }

  /**
   * Checks that the caller may run `flow`. A key limited to flows may name one by id or endpoint name, whichever
   * its list holds: called by the other, the flow is read from the upstream to match them (and returned).
   */
  private async checkFlow(
    principal: Principal,
    flow: string,
    target: UpstreamTarget
  ): Promise<FlowRead | null> {
    const allowed = principal.apiKey?.allowedFlows ?? null
    if (flowAllowed(allowed, flow)) {
      checkRunAccess(principal, flow)
      return null
    }
    const found = await this.readFlow(target, flow)
    // An unknown flow is a refusal too (no probing).
    if (!found || !(flowAllowed(allowed, found.id) || flowAllowed(allowed, found.endpoint_name ?? '')))
      throw new Forbidden(flowNotAllowed(flow))
    return found
  }

  /**
   * What of the caller's variables goes with a run. Request variables (headers) carry all of them without reading
   * the flow, unless the scope is `named` (the upstream's setting, or FLOWKEYS_UPSTREAM_VARIABLES) or one cannot
   * go as a header; otherwise the flow is read
   * now (an edit upstream counts from the next run) and only the variables its fields name are sent. Where the
   * upstream reads request variables, those the client set itself (`clientSets`) are left to the client's value.
   */
  private async planFor(
    principal: Principal,
    target: UpstreamTarget,
    run: { flow: string; read: FlowRead | null; tweaks: RunBody | null; clientSets: ReadonlySet<string> }
  ): Promise<CredentialPlan> {
    const mode = await this.modeFor(target)
    const headersHonoured = mode !== 'named-as-tweaks'
    const stored = await this.variables.variablesFor(principal.user.id)
    const variables = headersHonoured ? leavingOut(stored, run.clientSets) : stored
    const all = mode === 'all-as-headers' ? allAsHeaders(variables, run.tweaks) : null
    if (all) return all
    const found = run.read ?? (await this.readFlow(target, run.flow))
    if (!found) throw new NotFound(`Flow identifier ${run.flow} not found`)
    return planCredentials({
      flow: found.data,
      tweaks: run.tweaks,
      lookup: variables.lookup,
      headersHonoured
    })
  }

  /** The flow by id, or by endpoint name through the flow headers; null when the upstream has no such flow. */
  private async readFlow(target: UpstreamTarget, flow: string): Promise<FlowRead | null> {
    let id = canonicalFlow(flow)
    if (!/^[0-9a-f-]{36}$/.test(id)) {
      const query = new URLSearchParams({ header_flows: 'true', get_all: 'true' })
      const headers = await this.readJson(target, { method: 'GET', path: '/api/v1/flows/', query })
      const match = Array.isArray(headers)
        ? (headers as FlowRead[]).find((h) => isObject(h) && h.endpoint_name === flow)
        : undefined
      if (!match) return null
      id = match.id
    }
    const read = await this.readJson(target, { method: 'GET', path: `/api/v1/flows/${id}` })
    return isObject(read) && typeof read.id === 'string' ? (read as unknown as FlowRead) : null
  }

  /** A small JSON answer of the upstream; null for a 404 or 422 (no such flow). */
  private async readJson(target: UpstreamTarget, request: UpstreamRequest): Promise<unknown> {
    const answer = await this.send(target, request)
    const text = await readText(answer)
    const status = answer.statusCode ?? 0
    if (status === 404 || status === 422) return null
    if (status !== 200)
      throw new UpstreamFailed(`The Langflow upstream at ${target.url} answered ${status} to ${request.path}`)
    try {
      return JSON.parse(text)
    } catch {
      throw new UpstreamFailed(`The Langflow upstream at ${target.url} answered ${request.path} with no JSON`)
    }
  }

  /** Sends, and turns the upstream's refusal of its own key into a 502 (the caller's key was fine). */
  private async send(target: UpstreamTarget, request: UpstreamRequest): Promise<UpstreamAnswer> {
    const answer = await sendUpstream(target, { idleTimeoutMs: this.settings.idleTimeoutMs, ...request })
    const status = answer.statusCode ?? 0
    if (status === 401 || status === 403) {
      answer.resume()
      throw new UpstreamFailed(
        `The Langflow upstream at ${target.url} refused FlowKeys' API key for it (${status}): set a valid one with \`flowkeys upstream set\``
      )
    }
    return answer
  }

  /**
   * What runs to `target` carry, for an upstream of this Langflow `version`; null when that depends on a version
   * not known (FLOWKEYS_UPSTREAM_CREDENTIALS=auto and an upstream that did not say).
   */
  credentialMode(target: UpstreamTarget, version: string | null): CredentialMode | null {
    const { carrier } = this.settings
    if (carrier === 'auto' && version === null) return null
    const headers = carrier === 'auto' ? honoursGlobalVarHeaders(version) : carrier === 'headers'
    if (!headers) return 'named-as-tweaks'
    const scope = this.settings.variables ?? target.variables
    return scope === 'all' ? 'all-as-headers' : 'named-as-headers'
  }

  /** The mode for runs to `target`; tweaks when its version is not known (they work on every release). */
  private async modeFor(target: UpstreamTarget): Promise<CredentialMode> {
    const version = this.settings.carrier === 'auto' ? await this.versionOf(target) : null
    return this.credentialMode(target, version) ?? 'named-as-tweaks'
  }

  /** The upstream's Langflow version, asked at most once per VERSION_TTL_MS (an upgrade changes the mode). */
  private async versionOf(target: UpstreamTarget): Promise<string | null> {
    const known = this.versions.get(target.url)
    if (known && Date.now() - known.at < VERSION_TTL_MS) return known.version
    const { version } = await probeUpstream(target)
    this.versions.set(target.url, { version, at: Date.now() })
    return version
  }

  private logServed(principal: Principal, names: string[]): void {
    for (const variable of names) {
      this.accessLog.record({
        kind: 'credential',
        keyId: principal.apiKey?.id ?? null,
        keyName: principal.apiKey?.name ?? null,
        userId: principal.user.id,
        variable,
        outcome: 'served'
      })
    }
  }
}

/** A request body streamed through (a multipart upload), with the headers that describe it. */
export interface StreamedBody {
  stream: Readable
  headers: Record<string, string>
}
