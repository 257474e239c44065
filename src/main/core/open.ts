import { AccessLog } from '../audit/access-log'
import { oneLine } from '../base/errors'
import { AuthService } from '../auth/service'
import { databaseUrlFrom } from '../config/database'
import { resolveDataDir } from '../config/paths'
import { loadSettings, type Settings } from '../config/settings'
import { ApiKeyService } from '../keys/service'
import type { Store } from '../store/backend'
import { ensureDataDir } from '../store/data-file'
import { openStore } from '../store/open'
import type { Actor } from '../users/actor'
import { gatewaySettingsFrom } from '../gateway/settings'
import { Gateway } from '../gateway/gateway'
import { UpstreamService } from '../upstream/service'
import { UserService } from '../users/service'
import { VariableService } from '../variables/service'
import { providerEnvironment, variablesToGetFromEnvironment } from '../variables/providers'
import { osKeychain, type Keychain } from '../vault/keychain'
import { Vault } from '../vault/vault'
import { processRuns, rotationJournal } from '../vault/rotation-journal'

export interface CoreOptions {
  /** `--data-dir`; otherwise FLOWKEYS_DATA_DIR, otherwise the app's userData folder. */
  dataDir?: string
  /** `--database-url` (no password in it); otherwise FLOWKEYS_DATABASE_URL(_FILE); otherwise the JSON file. */
  databaseUrl?: string
  env?: NodeJS.ProcessEnv
  keychain?: Keychain
  /** Where the core reports warnings (never secrets). */
  warn?: (message: string) => void
  /**
   * Check once a second for a vault key rotated by another process (`flowkeys serve`, the app): a long-running
   * process signs and seals outside the store too. A CLI command, over in moments, does not poll the keychain.
   */
  followVaultKey?: boolean
}

/** Everything the faces call: one instance per process, shared by the server, the IPC handlers and the CLI. */
export interface Core {
  dataDir: string
  /** The environment the settings came from (the resolver's fallback reads it too). */
  env: NodeJS.ProcessEnv
  settings: Settings
  store: Store
  vault: Vault
  users: UserService
  keys: ApiKeyService
  auth: AuthService
  variables: VariableService
  /** The Langflow server flow runs are forwarded to, and FlowKeys' key for it. */
  upstream: UpstreamService
  /** Flow runs, webhooks and uploads forwarded to the upstream, with the caller's credentials. */
  gateway: Gateway
  /**
   * Langflow's environment import (contract §3): each listed variable set in the environment becomes the
   * configured superuser's Credential, unless the app set it last. Runs at server start and at that user's login;
   * for any other user it does nothing: the environment is the machine owner's (SECURITY.md).
   */
  importEnvironment(userId?: string): Promise<void>
  /**
   * The environment a flow run by `actor` may fall back to (LANGFLOW_FALLBACK_TO_ENV_VAR): the provider variables
   * for the configured superuser who proved who it is, nothing for anyone else.
   */
  environmentFor(actor: Actor): Readonly<Record<string, string>>
  /** Requests and credential reads, for the app's Server page (names and outcomes, never secrets). */
  accessLog: AccessLog
  /** The configured superuser, created on first start. */
  superuser(): Actor
  /** Who the desktop app (and the CLI) act as: the superuser, as LANGFLOW_AUTO_LOGIN makes the desktop user. */
  desktopActor(): Actor
  /** Flushes usage counters; call once on shutdown. */
  close(): Promise<void>
}

const VAULT_FOLLOW_MS = 1000

const NO_ENVIRONMENT: Readonly<Record<string, string>> = Object.freeze({})

export async function openCore(options: CoreOptions = {}): Promise<Core> {
  const env = options.env ?? process.env
  const warn = options.warn ?? (() => undefined)
  const dataDir = resolveDataDir(options.dataDir, env)
  const settings = loadSettings(env, dataDir)
  ensureDataDir(dataDir)
  const store = await openStore(dataDir, databaseUrlFrom(env, options.databaseUrl))
  let vault: Vault
  try {
    vault = await Vault.open({ store, keychain: options.keychain ?? osKeychain(), env })
  } catch (err) {
    await store.close()
    throw err
  }
  await removeInterruptedRotationKeys(dataDir, vault, warn)
  const users = new UserService(store, vault, {
    newUserIsActive: settings.newUserIsActive,
    superuser: settings.superuser,
    publicSignup: !settings.autoLogin && settings.enableSignup
  })
  const keys = new ApiKeyService(store, vault, { trackUsage: !settings.disableTrackApiKeyUsage })
  const variables = new VariableService(store, vault)
  const upstream = new UpstreamService(dataDir, vault, env)
  const envNames = variablesToGetFromEnvironment(settings.variablesToGetFromEnvironment)
  const ownerEnvironment = providerEnvironment(env, envNames)
  const importEnvironment = async (userId?: string): Promise<void> => {
    const owner = superuser().id
    if (!settings.storeEnvironmentVariables || (userId !== undefined && userId !== owner)) return
    await variables.importFromEnvironment(owner, ownerEnvironment, envNames)
  }
  const environmentFor = (actor: Actor): Readonly<Record<string, string>> =>
    actor.id === superuser().id && !actor.viaAutoLogin ? ownerEnvironment : NO_ENVIRONMENT
  const auth = new AuthService(settings, vault, users, keys, warn, (user) => importEnvironment(user.id))
  const accessLog = new AccessLog(dataDir, { warn })
  const gateway = new Gateway(upstream, variables, accessLog, gatewaySettingsFrom(env))
  const owner = await users.ensureSuperuser(settings.superuser, settings.superuserPassword)

  // The configured superuser, as made or found at start: its id never changes (it cannot be renamed or deleted).
  const superuserActor: Actor = Object.freeze({ id: owner.id, is_superuser: true })
  const superuser = (): Actor => superuserActor
  // A key rotated by another process is loaded within a second; reads and writes that meet a rotated value load it
  // at once (vault.ts), this covers what only signs or seals outside the store.
  let lastProblem = ''
  const follow = options.followVaultKey
    ? setInterval(() => {
        vault.refresh().then(
          () => (lastProblem = ''),
          (err: unknown) => {
            const message = oneLine(err)
            if (message !== lastProblem) warn(`the vault key could not be reloaded: ${message}`)
            lastProblem = message
          }
        )
      }, VAULT_FOLLOW_MS)
    : undefined
  follow?.unref()
  let closed: Promise<void> | undefined
  return {
    dataDir,
    env,
    settings,
    store,
    vault,
    users,
    keys,
    auth,
    variables,
    upstream,
    gateway,
    importEnvironment,
    environmentFor,
    accessLog,
    superuser,
    desktopActor: superuser,
    close: () =>
      (closed ??= Promise.resolve(clearInterval(follow))
        .then(() => keys.close())
        .finally(() => accessLog.close())
        .finally(() => store.close()))
  }
}

/** A rotation killed half way left one keychain item unused (rotation-journal.ts): removed once its process is gone. */
async function removeInterruptedRotationKeys(
  dataDir: string,
  vault: Vault,
  warn: (message: string) => void
): Promise<void> {
  const journal = rotationJournal(dataDir)
  const entry = journal.read()
  if (!entry || processRuns(entry.pid)) return
  try {
    await vault.removeUnusedKeys(entry)
    journal.end()
  } catch (err) {
    warn(`the unused vault key of an interrupted rotation could not be removed: ${oneLine(err)}`)
  }
}
