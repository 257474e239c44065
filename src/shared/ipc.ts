// The IPC contract between the renderer and main: for every channel of ./channels, the schema of its request
// (validated in main before the handler runs) and of its response (main parses every response through it,
// which also strips any field the schema does not name, so nothing unlisted can reach the renderer).
//
// No response carries a stored secret: a new API key's plaintext appears once, in `keys:create`, and a new
// recovery key once, in `vault:recovery-key`; a Credential variable's value only in `variables:reveal`, after the
// user typed the password of the account the app acts as (it is null in every other variable response).
import { z } from 'zod'
import type { Channel, EventName } from './channels'
import { CREDENTIAL_MODES, VARIABLE_SCOPES } from './upstream-credentials'

export {
  CHANNELS,
  EVENTS,
  PUSH_CHANNEL,
  isChannel,
  isEvent,
  type Area,
  type Channel,
  type EventName,
  type MethodOf
} from './channels'

// ---- shared shapes ----------------------------------------------------------------------------------------

const Id = z.guid()
const IsoDate = z.string()
const NoPayload = z.undefined()

export const IPC_ERROR_KINDS = [
  'BadRequest',
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'Conflict',
  'Invalid',
  'TooLarge',
  'RateLimited',
  'Unavailable',
  'Corrupt',
  'UpstreamFailed',
  'UpstreamTimeout',
  'Internal'
] as const
export type IpcErrorKind = (typeof IPC_ERROR_KINDS)[number]

export interface IpcError {
  kind: IpcErrorKind
  message: string
}

/** What every channel answers: never a thrown error, so a failure crosses the bridge as plain data. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError }

// ---- API keys ------------------------------------------------------------------------------------------------

/** Langflow's ApiKeyRead: `api_key` is the masked form (first 8 characters, then `*`). */
export const ApiKeyView = z.object({
  id: Id,
  api_key: z.string(),
  name: z.string().nullable(),
  created_at: IsoDate,
  last_used_at: IsoDate.nullable(),
  total_uses: z.number(),
  is_active: z.boolean(),
  expires_at: IsoDate.nullable(),
  /** The flows the key may run through the gateway; null: no limit. */
  allowed_flows: z.array(z.string()).nullable()
})
export type ApiKeyView = z.infer<typeof ApiKeyView>

const KeyName = z.string().trim().min(1, 'Give the key a name').max(100, 'Use at most 100 characters')

export const KeyCreateRequest = z
  .strictObject({
    name: KeyName,
    /** Days from now; null or absent: never expires. */
    expiresInDays: z.int().min(1).max(3650).nullable().optional(),
    /** An explicit ISO 8601 expiry (the CLI's and Langflow's form). */
    expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
    /** Limit the key to these flows (ids or endpoint names); null or absent: no limit. */
    allowed_flows: z.array(z.string().trim().min(1).max(255)).min(1).max(100).nullable().optional()
  })
  .refine((r) => r.expiresInDays == null || r.expires_at == null, {
    message: 'Give either expiresInDays or expires_at, not both'
  })

// ---- variables ----------------------------------------------------------------------------------------------

export const VARIABLE_TYPES = ['Credential', 'Generic'] as const
export const VariableType = z.enum(VARIABLE_TYPES)
export type VariableType = z.infer<typeof VariableType>

/**
 * Langflow's VariableRead, with FlowKeys' created/updated times (the app's view only: the HTTP shape has none).
 * `value` is always null for a Credential.
 */
export const VariableView = z
  .object({
    id: Id,
    name: z.string(),
    type: VariableType,
    value: z.string().nullable(),
    default_fields: z.array(z.string()),
    created_at: IsoDate,
    updated_at: IsoDate
  })
  .transform((v) => (v.type === 'Credential' ? { ...v, value: null } : v))
export type VariableView = z.output<typeof VariableView>

const VariableName = z.string().trim().min(1, 'Variable name cannot be empty').max(255)
const VariableValue = z.string().min(1, 'Variable value cannot be empty').max(65_536)
const DefaultFields = z.array(z.string().trim().min(1).max(255)).max(100)

export const VariableCreateRequest = z.strictObject({
  name: VariableName,
  value: VariableValue,
  type: VariableType.default('Credential'),
  default_fields: DefaultFields.default([])
})

/** A field left out keeps its stored value; a new `value` replaces the old one (which is never shown). */
export const VariableUpdateRequest = z.strictObject({
  id: Id,
  name: VariableName.optional(),
  value: VariableValue.optional(),
  type: VariableType.optional(),
  default_fields: DefaultFields.optional()
})

/** Deletes several of the user's variables in one write: all of them, or none if one is not found. */
export const VariableDeleteManyRequest = z.strictObject({ ids: z.array(Id).min(1).max(10_000) })

export const REVEAL_PASSWORD_MAX = 1024
/**
 * Shows one Credential's value, on explicit request: the user proves presence with the password of the account
 * the app acts as (the configured superuser). Every attempt is recorded in the access log.
 */
export const VariableRevealRequest = z.strictObject({
  id: Id,
  password: z.string().min(1, 'Type your password').max(REVEAL_PASSWORD_MAX)
})

// ---- .env import ----------------------------------------------------------------------------------------------

export const ENV_TEXT_MAX = 1_000_000
const EnvText = z.string().max(ENV_TEXT_MAX, 'The file is larger than 1 MB')

/** A type per name of the file (the app's choice per row); a name left out gets the guess from its name. */
const EnvTypes = z.record(z.string(), VariableType).default({})

export const EnvImportPreviewRequest = z.strictObject({
  text: EnvText,
  /** One type for every line; without it, each new variable's type is guessed from its name. */
  type: VariableType.optional(),
  types: EnvTypes
})

export const ENV_ENTRY_STATUSES = ['new', 'changed', 'unchanged', 'invalid'] as const
/** One line of the file: never its value. */
export const EnvEntryView = z.object({
  line: z.int(),
  name: z.string(),
  status: z.enum(ENV_ENTRY_STATUSES),
  /** Why an invalid line cannot be imported. */
  message: z.string().nullable(),
  /** Earlier lines setting the same name (the last one wins, as in dotenv). */
  duplicateLines: z.array(z.int()),
  /** The type it will have (new: the requested type, else the guess from its name; unchanged: the stored one). */
  type: VariableType
})
export type EnvEntryView = z.infer<typeof EnvEntryView>

/** A line dotenv reads as nothing (no `=`…): its number and why, never its content. */
export const EnvSkippedLine = z.object({ line: z.int(), reason: z.string() })
export type EnvSkippedLine = z.infer<typeof EnvSkippedLine>

export const EnvImportPreview = z.object({
  entries: z.array(EnvEntryView),
  skippedLines: z.array(EnvSkippedLine)
})

export const ENV_CHOICES = ['overwrite', 'skip'] as const
export const EnvImportApplyRequest = z.strictObject({
  text: EnvText,
  /** One type for every line (also replacing the stored type of an overwritten variable). */
  type: VariableType.optional(),
  /** The type chosen per name, for new and overwritten variables; a name left out: the guess, or the stored type. */
  types: EnvTypes,
  /** For each `changed` name: replace the stored value, or keep it. A conflict without a choice refuses the
   * whole import (Conflict), so nothing is overwritten by accident. */
  choices: z.record(z.string(), z.enum(ENV_CHOICES)).default({})
})

export const EnvImportSummary = z.object({
  created: z.array(z.string()),
  updated: z.array(z.string()),
  unchanged: z.array(z.string()),
  skipped: z.array(z.string()),
  invalid: z.array(z.object({ line: z.int(), message: z.string() })),
  /** Lines dotenv read as nothing (no `=`…), not imported. */
  skippedLines: z.array(EnvSkippedLine)
})
export type EnvImportSummary = z.infer<typeof EnvImportSummary>

// ---- key server -----------------------------------------------------------------------------------------------

export const ServerStatus = z.object({
  running: z.boolean(),
  /** The base URL while running, e.g. http://127.0.0.1:7860. */
  url: z.string().nullable(),
  port: z.int(),
  /** Why the last start failed (e.g. the port is taken); null otherwise. */
  lastError: z.string().nullable()
})
export type ServerStatus = z.infer<typeof ServerStatus>

/** One request the key server answered. `path` never includes the query string (it may carry a key). */
export const AccessLogEntry = z.object({
  time: IsoDate,
  method: z.string(),
  path: z.string(),
  keyName: z.string().nullable(),
  status: z.int()
})
export type AccessLogEntry = z.infer<typeof AccessLogEntry>

/** A key-server error or warning (also written to server.log in the data folder): what `flowkeys serve` prints. */
export const SERVER_PROBLEM_LEVELS = ['error', 'warn'] as const
export const ServerProblem = z.object({
  time: IsoDate,
  level: z.enum(SERVER_PROBLEM_LEVELS),
  /** One line: method, path without query and what went wrong; never a key, token or value. */
  message: z.string()
})
export type ServerProblem = z.infer<typeof ServerProblem>

// ---- upstream Langflow ------------------------------------------------------------------------------------------

export const UPSTREAM_SOURCES = ['environment', 'data-dir'] as const
export const UPSTREAM_URL_MAX = 2048
export const UPSTREAM_KEY_MAX = 4096

/**
 * The Langflow server FlowKeys forwards flow runs to, as `flowkeys upstream show --json` prints it: `api_key` is
 * masked (the upstream's key never crosses to the renderer in clear); `source` says whether FLOWKEYS_UPSTREAM_URL
 * decides it (`environment`: change it there) or the app and `flowkeys upstream set` do (`data-dir`). The rest is
 * a probe made for this answer: whether it answers, its Langflow version, whether it takes the key, and why not.
 */
export const UpstreamView = z.object({
  url: z.string(),
  api_key: z.string(),
  source: z.enum(UPSTREAM_SOURCES),
  /** Which of a caller's variables runs may carry, as saved with the upstream. */
  variables: z.enum(VARIABLE_SCOPES),
  reachable: z.boolean(),
  version: z.string().nullable(),
  /** null: not asked, or the upstream did not say. */
  key_accepted: z.boolean().nullable(),
  /** Why it is not usable, in one line (never the key); null when nothing is wrong. */
  problem: z.string().nullable(),
  /** What runs carry of the caller's variables; null when that hangs on a version the upstream did not say. */
  credentials: z.enum(CREDENTIAL_MODES).nullable()
})
export type UpstreamView = z.infer<typeof UpstreamView>

/** Sets the upstream for this data directory. The key goes renderer → main only: no response carries it. */
export const UpstreamSetRequest = z.strictObject({
  url: z
    .string()
    .trim()
    .min(1, "Give the Langflow server's address, such as http://127.0.0.1:7860")
    .max(UPSTREAM_URL_MAX, 'The URL is too long'),
  api_key: z
    .string()
    .min(1, "Give the upstream Langflow's API key")
    .max(UPSTREAM_KEY_MAX, 'The API key is too long'),
  /** Allow http:// to a host beyond this machine (a private network the user vouches for). */
  allow_plain_http: z.boolean().optional(),
  /** Which of a caller's variables runs may carry; all when left out. */
  variables: z.enum(VARIABLE_SCOPES).optional()
})

// ---- users ------------------------------------------------------------------------------------------------------

export const UserView = z.object({
  id: Id,
  username: z.string(),
  is_active: z.boolean(),
  is_superuser: z.boolean(),
  create_at: IsoDate,
  updated_at: IsoDate,
  last_login_at: IsoDate.nullable()
})
export type UserView = z.infer<typeof UserView>

const Username = z.string().trim().min(1, 'Username cannot be empty').max(100)
const Password = z.string().min(8, 'Use at least 8 characters').max(1024)

export const UserAddRequest = z.strictObject({
  username: Username,
  password: Password,
  is_superuser: z.boolean().default(false),
  is_active: z.boolean().default(true)
})

/** Langflow's admin "Edit" dialog: a field left out keeps its stored value. */
export const UserUpdateRequest = z
  .strictObject({
    id: Id,
    username: Username.optional(),
    is_active: z.boolean().optional(),
    is_superuser: z.boolean().optional()
  })
  .refine((r) => r.username !== undefined || r.is_active !== undefined || r.is_superuser !== undefined, {
    message: 'Nothing to change'
  })

/** A superuser sets another user's password (Langflow's PATCH /api/v1/users/{id}); it ends their sessions. */
export const UserSetPasswordRequest = z.strictObject({ id: Id, password: Password })

// ---- the vault: recovery key, backup, rotation ---------------------------------------------------------------------

export const VAULT_KEY_SOURCES = ['keychain', 'environment'] as const
/** Whether the store has a recovery key, and where the vault key lives (an environment key is not rotated here). */
export const VaultStatus = z.object({
  has_recovery_key: z.boolean(),
  key_source: z.enum(VAULT_KEY_SOURCES)
})
export type VaultStatus = z.infer<typeof VaultStatus>

/** The backup passphrase goes renderer → main only; main checks its strength (the message names the rule). */
export const VaultBackupRequest = z.strictObject({
  passphrase: z.string().min(1, 'Give a passphrase').max(1024, 'Use at most 1,024 characters'),
  /** Replace a file the user picked that exists (the save dialog has asked); default true. */
  force: z.boolean().optional()
})

/** `cancelled`: the user closed the save dialog and nothing was written; otherwise where and what was saved. */
export const VaultBackupResult = z.discriminatedUnion('cancelled', [
  z.object({ cancelled: z.literal(true) }),
  z.object({
    cancelled: z.literal(false),
    file: z.string(),
    users: z.int(),
    api_keys: z.int(),
    variables: z.int()
  })
])
export type VaultBackupResult = z.infer<typeof VaultBackupResult>

// ---- app ----------------------------------------------------------------------------------------------------------

/**
 * Where the app is in its start: the window shows before the core opens, because opening it may wait for the
 * user to unlock the OS keychain. `keychain`: a keychain call is waiting for an answer; `failed`: `message` says
 * why and what to do; `stopping`: the app is quitting.
 */
export const STARTUP_PHASES = ['starting', 'keychain', 'ready', 'failed', 'stopping'] as const
export const StartupState = z.object({
  phase: z.enum(STARTUP_PHASES),
  message: z.string().nullable()
})
export type StartupState = z.infer<typeof StartupState>

export const Whoami = z.object({ id: Id, username: z.string(), is_superuser: z.boolean() })
export type Whoami = z.infer<typeof Whoami>

export const AppSettings = z.object({
  /** The key server's port (used from the next start). */
  serverPort: z.int().min(1).max(65_535),
  /** Start the key server with the app. */
  autostart: z.boolean(),
  /** How long a copied secret stays on the clipboard, in seconds; 0: it is not cleared. */
  clipboardClearSeconds: z.int().min(0),
  dataDir: z.string(),
  version: z.string()
})
export type AppSettings = z.infer<typeof AppSettings>

export const STORE_KINDS = ['file', 'postgres'] as const
/**
 * Where the core keeps its data (the store's `location`): the JSON file's path, or a PostgreSQL database as
 * `host:port/dbname`. Never a database URL, user or password: only what the store itself reports.
 */
export const StoreLocationView = z.object({
  kind: z.enum(STORE_KINDS),
  where: z.string()
})
export type StoreLocationView = z.infer<typeof StoreLocationView>

export const AppSettingsUpdate = z.strictObject({
  serverPort: z.int().min(1024, 'Use a port from 1024 to 65535').max(65_535).optional(),
  autostart: z.boolean().optional(),
  clipboardClearSeconds: z
    .int()
    .refine(
      (n) => (CLIPBOARD_CLEAR_CHOICES as readonly number[]).includes(n),
      'Choose 30 s, 2 min, 10 min or never'
    )
    .optional()
})

/** The default delay before a copied secret leaves the clipboard, in seconds. */
export const CLIPBOARD_CLEAR_SECONDS = 30
/** The delays the app offers (seconds); 0: never cleared. */
export const CLIPBOARD_CLEAR_CHOICES = [30, 120, 600, 0] as const

// ---- the contract -------------------------------------------------------------------------------------------------

const Ok = z.object({ ok: z.literal(true) })
const IdRequest = z.strictObject({ id: Id })

export const contract = {
  'keys:list': {
    request: NoPayload,
    response: z.object({ total_count: z.int(), api_keys: z.array(ApiKeyView) })
  },
  'keys:create': {
    request: KeyCreateRequest,
    /** The only response that ever carries a key in clear: show it once. */
    response: z.object({ key: ApiKeyView, api_key: z.string() })
  },
  'keys:revoke': {
    request: z.strictObject({ ids: z.array(Id).min(1).max(10_000) }),
    response: z.object({
      revoked: z.array(Id),
      failed: z.array(z.object({ id: Id, message: z.string() }))
    })
  },
  /** A new name for one of the desktop user's keys; answers the key as listed. */
  'keys:rename': { request: z.strictObject({ id: Id, name: KeyName }), response: ApiKeyView },
  'variables:list': { request: NoPayload, response: z.array(VariableView) },
  'variables:create': { request: VariableCreateRequest, response: VariableView },
  'variables:update': { request: VariableUpdateRequest, response: VariableView },
  'variables:delete': { request: IdRequest, response: Ok },
  'variables:deleteMany': { request: VariableDeleteManyRequest, response: z.object({ deleted: z.int() }) },
  /** The only response that carries a Credential's value: after the password check, to show in the dialog. */
  'variables:reveal': {
    request: VariableRevealRequest,
    response: z.object({ id: Id, name: z.string(), value: z.string() })
  },
  'envImport:preview': { request: EnvImportPreviewRequest, response: EnvImportPreview },
  'envImport:apply': { request: EnvImportApplyRequest, response: EnvImportSummary },
  'server:status': { request: NoPayload, response: ServerStatus },
  'server:start': { request: NoPayload, response: ServerStatus },
  'server:stop': { request: NoPayload, response: ServerStatus },
  'server:accessLog': {
    request: z.strictObject({ limit: z.int().min(1).max(500).default(100) }).optional(),
    /** Newest first. */
    response: z.array(AccessLogEntry)
  },
  'server:errors': {
    request: z.strictObject({ limit: z.int().min(1).max(200).default(50) }).optional(),
    /** Newest first. */
    response: z.array(ServerProblem)
  },
  /** The upstream with its masked key and a fresh probe; null when none is set. */
  'upstream:show': { request: NoPayload, response: UpstreamView.nullable() },
  'upstream:set': { request: UpstreamSetRequest, response: UpstreamView },
  /** `cleared`: false when no upstream was saved. */
  'upstream:clear': { request: NoPayload, response: z.object({ cleared: z.boolean() }) },
  'users:list': {
    request: NoPayload,
    response: z.object({ total_count: z.int(), users: z.array(UserView) })
  },
  'users:add': { request: UserAddRequest, response: UserView },
  'users:setActive': { request: z.strictObject({ id: Id, is_active: z.boolean() }), response: UserView },
  'users:setSuperuser': {
    request: z.strictObject({ id: Id, is_superuser: z.boolean() }),
    response: UserView
  },
  'users:update': { request: UserUpdateRequest, response: UserView },
  /** Answers the user without its password (UserView lists no secret). */
  'users:setPassword': { request: UserSetPasswordRequest, response: UserView },
  'users:delete': { request: IdRequest, response: Ok },
  'vault:status': { request: NoPayload, response: VaultStatus },
  /** A new recovery key (the previous one stops working): the only response that carries it, to show once. */
  'vault:recovery-key': { request: NoPayload, response: z.object({ recovery_key: z.string() }) },
  /** Asks main's save dialog where, then writes the encrypted backup there (0600). */
  'vault:backup': { request: VaultBackupRequest, response: VaultBackupResult },
  /** Seals every value again under a new vault key; API keys keep working, sessions end. */
  'vault:rotate': {
    request: NoPayload,
    response: z.object({ variables: z.int(), store_keys: z.int() })
  },
  /** Answers at any time, also before the core is open (every other channel is Unavailable until then). */
  'app:startup': { request: NoPayload, response: StartupState },
  'app:whoami': { request: NoPayload, response: Whoami },
  'app:settings': { request: NoPayload, response: AppSettings },
  'app:updateSettings': { request: AppSettingsUpdate, response: AppSettings },
  /** Which store the core uses: the JSON file or a team's PostgreSQL database. */
  'app:store': { request: NoPayload, response: StoreLocationView },
  'app:openExternal': { request: z.strictObject({ url: z.string().max(2048) }), response: Ok },
  'clipboard:copy': {
    /** `secret`: clear the clipboard later (the clipboardClearSeconds setting) if it still holds this text. */
    request: z.strictObject({ text: z.string().min(1).max(65_536), secret: z.boolean().default(false) }),
    response: z.object({ clearsInSeconds: z.int().nullable() })
  }
} as const satisfies { [C in Channel]: { request: z.ZodType; response: z.ZodType } }

export type Contract = typeof contract
/** What the renderer passes (before defaults are applied). */
export type RequestOf<C extends Channel> = z.input<Contract[C]['request']>
/** What the handler receives (validated, defaults applied). */
export type ParsedRequestOf<C extends Channel> = z.output<Contract[C]['request']>
/** What the handler returns (before the response schema strips unlisted fields). */
export type ResponseInputOf<C extends Channel> = z.input<Contract[C]['response']>
/** What the renderer receives. */
export type ResponseOf<C extends Channel> = z.output<Contract[C]['response']>

// ---- pushes (main → renderer) ---------------------------------------------------------------------------------

export const STORE_CHANGE_SCOPES = ['keys', 'variables', 'users', 'all'] as const
/** Another process (the CLI, another key server) changed the store: what to load again. */
export const StoreChanged = z.object({ what: z.enum(STORE_CHANGE_SCOPES) })
export type StoreChanged = z.infer<typeof StoreChanged>

/**
 * The payload of each push (./channels EVENTS). Main parses every payload through its schema before sending it,
 * as it parses every response: an unlisted field (an access entry's key id, user id) never reaches the window.
 */
export const events = {
  /** The key server started, stopped or failed to start: its new status. */
  'server:changed': ServerStatus,
  /** One request the key server answered, as `server:accessLog` lists it (never a key). */
  'access:entry': AccessLogEntry,
  /** Another process changed the JSON store (none for PostgreSQL: nothing watches a database). */
  'store:changed': StoreChanged
} as const satisfies { [E in EventName]: z.ZodType }

export type Events = typeof events
/** What main passes to push (before the schema strips unlisted fields). */
export type EventInputOf<E extends EventName> = z.input<Events[E]>
/** What a renderer listener receives. */
export type EventPayloadOf<E extends EventName> = z.output<Events[E]>

/** A readable one-line message for a failed validation (paths and rules, never the offending values). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}
