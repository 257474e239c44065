// The IPC face of the core: one async handler per channel of the contract (src/shared/ipc.ts). Each handler
// validates its payload with the channel's schema before anything runs, calls the core, and parses its answer
// through the channel's response schema (which drops any field the contract does not list). Failures become
// `{ ok: false, error }` in one place (./errors.ts). This module must not import electron: the shell registers
// the table on ipcMain (src/main/shell/ipc-register.ts) and the renderer tests bind it to a Playwright page.
import { Forbidden } from '../base/errors'
import type { Core } from '../core/open'
import { rotateVaultKey } from '../core/rotate'
import { API_KEY_NOT_FOUND } from '../keys/service'
import { normalizeExternalUrl } from '../config/urls'
import {
  CHANNELS,
  CLIPBOARD_CLEAR_SECONDS,
  contract,
  describeIssues,
  type Channel,
  type IpcResult,
  type ParsedRequestOf,
  type ResponseInputOf,
  type ResponseOf,
  type StartupState
} from '../../shared/ipc'
import { writeBackup } from '../recovery/backup'
import { checkPassphrase } from '../recovery/passphrase'
import { hasRecoveryKey, makeRecoveryKey } from '../recovery/recovery'
import { probeUpstream } from '../upstream/probe'
import type { UpstreamView } from '../upstream/service'
import { requireSuperuser } from '../users/actor'
import { applyEnvImport, previewEnvImport } from '../variables/dotenv-import'
import { CredentialReveal } from '../variables/reveal'
import { copyToClipboard } from './clipboard'
import { toIpcError } from './errors'
import type { Services } from './services'

export type ChannelHandler<C extends Channel> = (payload: unknown) => Promise<IpcResult<ResponseOf<C>>>
export type HandlerTable = { readonly [C in Channel]: ChannelHandler<C> }

type Implementation<C extends Channel> = (
  request: ParsedRequestOf<C>
) => Promise<ResponseInputOf<C>> | ResponseInputOf<C>
type Implementations = { [C in Channel]: Implementation<C> }

const DAY_MS = 24 * 60 * 60 * 1000
const READY: StartupState = Object.freeze({ phase: 'ready', message: null })
/** Users are few; the UI shows them all. */
const ALL_USERS = { skip: 0, limit: 1_000_000 }

/** Wraps one implementation with the channel's request validation, response parsing and error mapping. */
function addHandler<C extends Channel>(
  channel: C,
  implementation: Implementation<C>,
  log: (message: string) => void
): ChannelHandler<C> {
  const { request, response } = contract[channel]
  return async (payload) => {
    const parsed = request.safeParse(payload)
    if (!parsed.success) {
      return {
        ok: false,
        error: { kind: 'Invalid', message: `Invalid request: ${describeIssues(parsed.error)}` }
      }
    }
    try {
      const value = await implementation(parsed.data as ParsedRequestOf<C>)
      return { ok: true, value: response.parse(value) as ResponseOf<C> }
    } catch (err) {
      return { ok: false, error: toIpcError(err, log) }
    }
  }
}

export function createHandlerTable(core: Core, services: Services): HandlerTable {
  const log = services.log ?? ((message: string) => console.error(message))
  const actor = (): ReturnType<Core['desktopActor']> => core.desktopActor()
  const variables = core.variables
  const reveal = new CredentialReveal(core)

  const clipboardClearSeconds = (): number =>
    services.preferences.get().clipboardClearSeconds ?? CLIPBOARD_CLEAR_SECONDS
  const settings = (): ResponseInputOf<'app:settings'> => {
    const preferences = services.preferences.get()
    return {
      serverPort: preferences.serverPort,
      autostart: preferences.autostart,
      clipboardClearSeconds: clipboardClearSeconds(),
      dataDir: core.dataDir,
      version: services.appVersion
    }
  }

  /** The upstream as shown, with a fresh probe of it (two small bounded GETs; the key stays in main). */
  const probed = async (view: UpstreamView): Promise<ResponseInputOf<'upstream:set'>> => {
    const target = core.upstream.current()
    const probe = target
      ? await probeUpstream(target)
      : { reachable: false, version: null, keyAccepted: null, problem: 'No upstream is set' }
    return {
      ...view,
      reachable: probe.reachable,
      version: probe.version,
      key_accepted: probe.keyAccepted,
      problem: probe.problem,
      credentials: target && core.gateway.credentialMode(target, probe.version)
    }
  }

  const implementations: Implementations = {
    'keys:list': () => core.keys.list(actor()),
    'keys:create': async ({ name, expiresInDays, expires_at, allowed_flows }) => {
      const expiry = expiresInDays
        ? new Date(Date.now() + expiresInDays * DAY_MS).toISOString()
        : (expires_at ?? null)
      return core.keys.create(actor(), { name, expires_at: expiry, allowed_flows })
    },
    'keys:revoke': async ({ ids }) => {
      const { revoked, missing } = await core.keys.revokeMany(actor(), ids, { skipMissing: true })
      return { revoked, failed: missing.map((id) => ({ id, message: API_KEY_NOT_FOUND })) }
    },
    'keys:rename': ({ id, name }) => core.keys.rename(actor(), id, name),

    'variables:list': () => variables.listDetailed(actor().id),
    'variables:create': async (input) => {
      const created = await variables.create(actor().id, input)
      return variables.detail(actor().id, created.id)
    },
    'variables:update': async ({ id, ...patch }) => {
      await variables.update(actor().id, id, patch)
      return variables.detail(actor().id, id)
    },
    'variables:delete': async ({ id }) => {
      await variables.delete(actor().id, id)
      return { ok: true as const }
    },
    'variables:deleteMany': async ({ ids }) => {
      await variables.deleteMany(actor().id, ids)
      return { deleted: new Set(ids).size }
    },
    'variables:reveal': ({ id, password }) => reveal.reveal(actor(), id, password),
    'envImport:preview': async ({ text, type, types }) => {
      const preview = await previewEnvImport(variables, actor().id, text, { type, types })
      return {
        entries: preview.entries.map((entry) => ({
          line: entry.line,
          name: entry.name,
          status: entry.status,
          message: entry.reason ?? null,
          duplicateLines: entry.duplicateLines,
          type: entry.type
        })),
        skippedLines: preview.skippedLines
      }
    },
    'envImport:apply': async ({ text, type, types, choices }) => {
      const result = await applyEnvImport(variables, actor().id, text, { type, types, choices })
      return {
        ...result,
        invalid: result.invalid.map((entry) => ({ line: entry.line, message: entry.reason ?? '' }))
      }
    },

    'server:status': () => services.server.status(),
    'server:start': () => services.server.start(),
    'server:stop': () => services.server.stop(),
    'server:accessLog': (request) => services.server.accessLog(request?.limit ?? 100),
    'server:errors': (request) => services.server.errors(request?.limit ?? 50),

    'upstream:show': async () => {
      const view = core.upstream.show(actor())
      return view && probed(view)
    },
    'upstream:set': async ({ url, api_key, allow_plain_http, variables }) =>
      probed(
        core.upstream.set(actor(), url, api_key, { allowPlainHttp: allow_plain_http === true, variables })
      ),
    'upstream:clear': () => ({ cleared: core.upstream.clear(actor()) }),

    'users:list': () => core.users.list(actor(), ALL_USERS),
    'users:add': (input) => core.users.create(actor(), input),
    'users:setActive': ({ id, is_active }) => core.users.update(actor(), id, { is_active }),
    'users:setSuperuser': ({ id, is_superuser }) => core.users.update(actor(), id, { is_superuser }),
    // async: works whether the core answers a value or a promise.
    'users:update': async ({ id, ...patch }) => core.users.update(actor(), id, patch),
    'users:setPassword': async ({ id, password }) => core.users.update(actor(), id, { password }),
    'users:delete': async ({ id }) => {
      await core.users.delete(actor(), id)
      return { ok: true as const }
    },

    // The vault's face (`flowkeys recovery-key|backup|rotate-key`): the desktop actor is the superuser.
    'vault:status': async () => {
      requireSuperuser(actor())
      const source = core.vault.source
      return {
        has_recovery_key: await hasRecoveryKey(core.store),
        key_source: source === 'keychain' || source === 'generated' ? 'keychain' : 'environment'
      }
    },
    'vault:recovery-key': async () => {
      requireSuperuser(actor())
      return { recovery_key: await makeRecoveryKey(core) }
    },
    'vault:backup': async ({ passphrase, force }) => {
      requireSuperuser(actor())
      // A weak passphrase is refused before the dialog asks where (writeBackup checks it again).
      checkPassphrase(passphrase)
      const file = await services.chooseBackupPath()
      if (file === null) return { cancelled: true as const }
      // The save dialog has asked before replacing a file, so an existing one is replaced unless told not to.
      const summary = await writeBackup(core, file, passphrase, { force: force ?? true })
      return {
        cancelled: false as const,
        file,
        users: summary.users,
        api_keys: summary.api_keys,
        variables: summary.variables
      }
    },
    'vault:rotate': async () => {
      requireSuperuser(actor())
      return rotateVaultKey(core)
    },

    'app:startup': () => services.startup?.() ?? READY,
    'app:whoami': () => core.users.get(actor().id),
    'app:settings': settings,
    'app:updateSettings': (patch) => {
      services.preferences.update(patch)
      return settings()
    },
    // Only the two fields: the response schema would drop anything else the location carried anyway.
    'app:store': () => ({ kind: core.store.location.kind, where: core.store.location.where }),
    'app:openExternal': async ({ url }) => {
      const allowed = normalizeExternalUrl(url)
      if (!allowed) throw new Forbidden('This link cannot be opened from FlowKeys.')
      await services.openInBrowser(allowed)
      return { ok: true as const }
    },

    'clipboard:copy': async ({ text, secret }) => ({
      clearsInSeconds: await copyToClipboard(services.clipboard, text, secret, clipboardClearSeconds())
    })
  }

  const table: Partial<Record<Channel, ChannelHandler<Channel>>> = {}
  for (const channel of CHANNELS) {
    table[channel] = addHandler(channel, implementations[channel] as Implementation<typeof channel>, log)
  }
  return Object.freeze(table) as HandlerTable
}
