import { readFileSync } from 'node:fs'
import { Conflict, Invalid, oneLine } from '../base/errors'
import { sameStamp, stampOf, type Stamp } from '../store/data-file'
import { requireProven, requireSuperuser, type Actor } from '../users/actor'
import type { Vault } from '../vault/vault'
import type { VariableScope } from '../../shared/upstream-credentials'
import { checkUpstreamKey, maskUpstreamKey, parseUpstreamUrl, type UpstreamTarget } from './target'
import {
  readUpstreamFile,
  removeUpstreamFile,
  upstreamFilePath,
  writeUpstreamFile,
  type UpstreamFile
} from './upstream-file'

export const UPSTREAM_URL_VARIABLE = 'FLOWKEYS_UPSTREAM_URL'
export const UPSTREAM_KEY_VARIABLE = 'FLOWKEYS_UPSTREAM_API_KEY'
export const UPSTREAM_KEY_FILE_VARIABLE = 'FLOWKEYS_UPSTREAM_API_KEY_FILE'
export const UPSTREAM_PLAIN_HTTP_VARIABLE = 'FLOWKEYS_UPSTREAM_ALLOW_PLAIN_HTTP'

/** The upstream as people see it: the key masked. */
export interface UpstreamView {
  url: string
  api_key: string
  source: UpstreamTarget['source']
  variables: VariableScope
}

function truthy(value: string | undefined): boolean {
  return ['1', 'true', 'yes', 'on'].includes((value ?? '').trim().toLowerCase())
}

/**
 * The one Langflow upstream of this data directory: FLOWKEYS_UPSTREAM_URL with FLOWKEYS_UPSTREAM_API_KEY(_FILE)
 * for servers, else what `flowkeys upstream set` (or the app) wrote, its key encrypted by the vault. A running
 * server sees a change made by another process from its next run (the file's stamp is checked per call).
 */
export class UpstreamService {
  private readonly file: string
  private fromEnvironment: UpstreamTarget | null | undefined
  private cached: { stamp: Stamp; target: UpstreamTarget | null } | null = null

  constructor(
    dataDir: string,
    private readonly vault: Pick<Vault, 'encrypt' | 'decrypt' | 'reading'>,
    private readonly env: NodeJS.ProcessEnv
  ) {
    this.file = upstreamFilePath(dataDir)
  }

  /** Where runs go; null when no upstream is set. Throws Invalid when the environment's setting is broken. */
  current(): UpstreamTarget | null {
    const env = this.environmentTarget()
    if (env) return env
    const stamp = stampOf(this.file)
    if (this.cached && sameStamp(this.cached.stamp, stamp)) return this.cached.target
    const record = readUpstreamFile(this.file)
    const target: UpstreamTarget | null = record && {
      url: record.url,
      apiKey: this.openKey(record),
      source: 'data-dir',
      variables: record.variables ?? 'all'
    }
    this.cached = { stamp, target }
    return target
  }

  /** `current`, after loading the vault key another process may have rotated in meanwhile. */
  target(): Promise<UpstreamTarget | null> {
    return this.vault.reading(() => this.current())
  }

  /** The key, sealed by the current vault key; mid-rotation the store may already use the new one. */
  private openKey(record: UpstreamFile): string {
    try {
      return this.vault.decrypt(record.api_key)
    } catch (err) {
      if (record.api_key_rotated === undefined) throw err
      return this.vault.decrypt(record.api_key_rotated)
    }
  }

  /**
   * A vault-key rotation's two steps for the file (it lives outside the store): before the store changes, the
   * key sealed by both keys; after, by the new one only. A crash in between leaves a file both keys open.
   */
  rotation(): { prepare(seal: (plaintext: string) => string): void; finish(): void } {
    let next: UpstreamFile | null = null
    return {
      prepare: (seal) => {
        const record = readUpstreamFile(this.file)
        if (!record) return
        const apiKey = this.openKey(record)
        // Both keys open the file until `finish`, whichever of them the store ends up with.
        writeUpstreamFile(this.file, {
          ...record,
          api_key: this.vault.encrypt(apiKey),
          api_key_rotated: seal(apiKey)
        })
        next = { ...record, api_key: seal(apiKey) }
        delete next.api_key_rotated
      },
      finish: () => {
        if (next) writeUpstreamFile(this.file, next)
        this.cached = null
      }
    }
  }

  show(actor: Actor): UpstreamView | null {
    requireSuperuser(actor)
    const target = this.current()
    return (
      target && {
        url: target.url,
        api_key: maskUpstreamKey(target.apiKey),
        source: target.source,
        variables: target.variables
      }
    )
  }

  /** Saves the upstream for this data directory (superusers); refused while the environment decides it. */
  set(
    actor: Actor,
    url: string,
    apiKey: string,
    options: { allowPlainHttp?: boolean; variables?: VariableScope } = {}
  ): UpstreamView {
    requireProven(actor)
    requireSuperuser(actor)
    this.refuseWhileEnvironmentDecides()
    const allowPlainHttp = options.allowPlainHttp === true
    const record = {
      version: 1 as const,
      url: parseUpstreamUrl(url, { allowPlainHttp }),
      api_key: this.vault.encrypt(checkUpstreamKey(apiKey)),
      allow_plain_http: allowPlainHttp,
      variables: options.variables ?? 'all',
      updated_at: new Date().toISOString()
    }
    writeUpstreamFile(this.file, record)
    this.cached = null
    return this.show(actor)!
  }

  /** Forgets the saved upstream; false when none was saved. */
  clear(actor: Actor): boolean {
    requireProven(actor)
    requireSuperuser(actor)
    this.refuseWhileEnvironmentDecides()
    this.cached = null
    return removeUpstreamFile(this.file)
  }

  private refuseWhileEnvironmentDecides(): void {
    if (this.env[UPSTREAM_URL_VARIABLE]?.trim()) {
      throw new Conflict(
        `${UPSTREAM_URL_VARIABLE} is set in the environment and decides the upstream: change it there`
      )
    }
  }

  private environmentTarget(): UpstreamTarget | null {
    if (this.fromEnvironment !== undefined) return this.fromEnvironment
    const url = this.env[UPSTREAM_URL_VARIABLE]?.trim()
    if (!url) return (this.fromEnvironment = null)
    const allowPlainHttp = truthy(this.env[UPSTREAM_PLAIN_HTTP_VARIABLE])
    const target: UpstreamTarget = {
      url: parseUpstreamUrl(url, { allowPlainHttp }),
      apiKey: checkUpstreamKey(this.environmentKey()),
      source: 'environment',
      variables: 'all'
    }
    return (this.fromEnvironment = target)
  }

  private environmentKey(): string {
    const key = this.env[UPSTREAM_KEY_VARIABLE]
    if (key?.trim()) return key
    const file = this.env[UPSTREAM_KEY_FILE_VARIABLE]?.trim()
    if (!file)
      throw new Invalid(
        `${UPSTREAM_URL_VARIABLE} is set without ${UPSTREAM_KEY_VARIABLE} or ${UPSTREAM_KEY_FILE_VARIABLE}`
      )
    try {
      return readFileSync(file, 'utf8')
    } catch (err) {
      throw new Invalid(`${UPSTREAM_KEY_FILE_VARIABLE}: cannot read ${file} (${oneLine(err)})`)
    }
  }
}
