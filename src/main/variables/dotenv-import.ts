import { randomUUID } from 'node:crypto'
import { Conflict } from '../base/errors'
import type { VariableRecord, VariableType } from '../store/schema'
import type { Vault } from '../vault/vault'
import { parseEnvFile, type EnvFile, type EnvFileEntry, type EnvSkippedLine } from './dotenv-file'
import { providerDefaultFields } from './providers'
import { guessVariableType } from './type-guess'
import { requireUser, variableWrite, type VariableContext } from './model'

export type ConflictChoice = 'overwrite' | 'skip'

export interface EnvImportOptions {
  /**
   * One type for every line: of the variables created and, when overwriting, replacing the stored type. Without
   * it, a new variable gets its type from `types`, else the guess from its name (guessVariableType), and an
   * overwritten one keeps its stored type unless `types` names it.
   */
  type?: VariableType
  /** A type per name, for new and overwritten variables; wins over `type`. */
  types?: Record<string, VariableType>
  /** What to do with names that already hold a different value; without it (or a choice) they are a Conflict. */
  mode?: 'overwrite' | 'skip-existing'
  /** A choice per conflicting name; wins over `mode`. */
  choices?: Record<string, ConflictChoice>
}

export type EnvEntryStatus = 'new' | 'changed' | 'unchanged' | 'invalid'

/** One name of the file. Never carries the value. */
export interface EnvPreviewEntry {
  name: string
  line: number
  status: EnvEntryStatus
  /** Why an invalid entry is skipped. */
  reason?: string
  /** What the variable is (unchanged) or will be (new, changed when overwritten). */
  type: VariableType
  default_fields: string[]
  /** Earlier lines setting the same name; the last one wins, as in dotenv. */
  duplicateLines: number[]
}

export interface EnvPreview {
  entries: EnvPreviewEntry[]
  counts: Record<EnvEntryStatus, number> & { duplicates: number }
  /** Names that exist with a different value. */
  conflicts: string[]
  /** Lines dotenv reads as nothing (no `=`…): skipped, and said so. */
  skippedLines: EnvSkippedLine[]
}

/**
 * The file to import: its bytes or text, or the file as parseEnvFile read it (or its entries alone), so that a
 * caller showing a preview before importing reads the file once.
 */
export type EnvImportInput = string | Uint8Array | EnvFile | readonly EnvFileEntry[]

function fileOf(input: EnvImportInput): EnvFile {
  if (typeof input === 'string' || ArrayBuffer.isView(input)) return parseEnvFile(input)
  if (Array.isArray(input)) return { entries: [...(input as readonly EnvFileEntry[])], skippedLines: [] }
  return input as EnvFile
}

function typeFor(name: string, options: EnvImportOptions): VariableType | undefined {
  if (options.types && Object.hasOwn(options.types, name)) return options.types[name]
  return options.type
}

export interface EnvImportResult {
  created: string[]
  updated: string[]
  /** Conflicting names left as they were. */
  skipped: string[]
  unchanged: string[]
  /** Reported and not stored. */
  invalid: EnvPreviewEntry[]
  /** Lines dotenv reads as nothing (no `=`…): not stored. */
  skippedLines: EnvSkippedLine[]
}

function previewAgainst(
  existing: ReadonlyMap<string, VariableRecord>,
  vault: Vault,
  { entries: file, skippedLines }: EnvFile,
  options: EnvImportOptions
): EnvPreview {
  const counts = { new: 0, changed: 0, unchanged: 0, invalid: 0, duplicates: 0 }
  const conflicts: string[] = []
  const entries = file.map((f): EnvPreviewEntry => {
    const record = f.invalid ? undefined : existing.get(f.name)
    let entry: EnvPreviewEntry
    if (f.invalid || !record) {
      entry = {
        name: f.name,
        line: f.line,
        status: f.invalid ? 'invalid' : 'new',
        type: typeFor(f.name, options) ?? guessVariableType(f.name),
        default_fields: providerDefaultFields(f.name),
        duplicateLines: f.duplicateLines
      }
      if (f.invalid) entry.reason = f.invalid
    } else if (vault.decrypt(record.value) === f.value) {
      entry = {
        name: f.name,
        line: f.line,
        status: 'unchanged',
        type: record.type,
        default_fields: [...record.default_fields],
        duplicateLines: f.duplicateLines
      }
    } else {
      entry = {
        name: f.name,
        line: f.line,
        status: 'changed',
        type: typeFor(f.name, options) ?? record.type,
        default_fields:
          record.default_fields.length > 0 ? [...record.default_fields] : providerDefaultFields(f.name),
        duplicateLines: f.duplicateLines
      }
      conflicts.push(f.name)
    }
    counts[entry.status]++
    if (entry.duplicateLines.length > 0) counts.duplicates++
    return entry
  })
  return { entries, counts, conflicts, skippedLines: [...skippedLines] }
}

/**
 * What importing `input` (the file's bytes or text, or its entries) would do for this user, name by name,
 * against the store as it is now. Throws `Invalid` for a file that is not text. Never includes a value.
 */
export async function previewEnvImport(
  ctx: VariableContext,
  userId: string,
  input: EnvImportInput,
  options: EnvImportOptions = {}
): Promise<EnvPreview> {
  const file = fileOf(input)
  return ctx.vault.reading(async () =>
    previewAgainst(byName(await ctx.store.variablesOf(userId)), ctx.vault, file, options)
  )
}

function byName(records: readonly VariableRecord[]): Map<string, VariableRecord> {
  return new Map(records.map((v) => [v.name, v]))
}

function choiceFor(name: string, options: EnvImportOptions): ConflictChoice | undefined {
  if (options.choices && Object.hasOwn(options.choices, name)) return options.choices[name]
  if (options.mode === 'overwrite') return 'overwrite'
  if (options.mode === 'skip-existing') return 'skip'
  return undefined
}

function conflictMessage(names: string[]): string {
  const shown = names.slice(0, 20).join(', ')
  const more = names.length > 20 ? ` and ${names.length - 20} more` : ''
  const subject = names.length === 1 ? '1 variable already exists' : `${names.length} variables already exist`
  return `${subject} with a different value: ${shown}${more}. Choose to overwrite or skip them; nothing was imported.`
}

/**
 * Imports a .env file for one user, all or nothing, in one store write. The preview is recomputed under the
 * store's lock on fresh data; names holding a different value need a choice (`mode` or `choices`) or the whole
 * import is refused with a `Conflict` naming them. Invalid entries are reported and skipped: they do not block
 * the rest. A file that cannot be read changes nothing. Imported variables count as set in the app.
 */
export async function applyEnvImport(
  ctx: VariableContext,
  userId: string,
  input: EnvImportInput,
  options: EnvImportOptions = {}
): Promise<EnvImportResult> {
  const file = fileOf(input)
  const toSeal = file.entries.flatMap((f) =>
    !f.invalid && f.value ? [{ name: f.name, value: f.value }] : []
  )
  return ctx.vault.writing(() => {
    // Sealing is the slow part; do it before taking the lock (the lock's holder checks the key is still current).
    const tokens = ctx.vault.encryptAll(toSeal.map((f) => f.value))
    const sealed = new Map(toSeal.map((f, i) => [f.name, tokens[i]!]))
    return variableWrite(
      ctx.store.transaction(async (tx) => {
        await ctx.vault.assertCurrent(tx)
        await requireUser(tx, userId)
        const existing = byName(await tx.variablesOf(userId))
        const preview = previewAgainst(existing, ctx.vault, file, options)
        const undecided = preview.conflicts.filter((name) => choiceFor(name, options) === undefined)
        if (undecided.length > 0) throw new Conflict(conflictMessage(undecided), { conflicts: undecided })
        const result: EnvImportResult = {
          created: [],
          updated: [],
          skipped: [],
          unchanged: [],
          invalid: [],
          skippedLines: preview.skippedLines
        }
        const created: VariableRecord[] = []
        const updated: VariableRecord[] = []
        const now = new Date().toISOString()
        for (const entry of preview.entries) {
          const value = sealed.get(entry.name) as string
          if (entry.status === 'invalid') result.invalid.push(entry)
          else if (entry.status === 'unchanged') result.unchanged.push(entry.name)
          else if (entry.status === 'new') {
            const record: VariableRecord = {
              id: randomUUID(),
              user_id: userId,
              name: entry.name,
              type: entry.type,
              value,
              default_fields: entry.default_fields,
              source: 'app',
              created_at: now,
              updated_at: now
            }
            created.push(record)
            result.created.push(entry.name)
          } else if (choiceFor(entry.name, options) === 'skip') {
            result.skipped.push(entry.name)
          } else {
            updated.push({
              ...(existing.get(entry.name) as VariableRecord),
              value,
              type: entry.type,
              default_fields: entry.default_fields,
              source: 'app',
              updated_at: now
            })
            result.updated.push(entry.name)
          }
        }
        if (created.length > 0) await tx.insertVariables(created)
        if (updated.length > 0) await tx.saveVariables(updated)
        return result
      })
    )
  })
}
