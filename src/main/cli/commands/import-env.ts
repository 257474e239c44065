import { readFileSync, statSync } from 'node:fs'
import { Option, type Command } from 'commander'
import { isFlowKeysError } from '../../base/errors'
import type { VariableType } from '../../store/schema'
import {
  applyEnvImport,
  previewEnvImport,
  type EnvImportOptions,
  type EnvImportResult,
  type EnvPreview,
  type EnvPreviewEntry
} from '../../variables/dotenv-import'
import {
  MAX_ENV_FILE_BYTES,
  parseEnvFile,
  type EnvFile,
  type EnvSkippedLine
} from '../../variables/dotenv-file'
import { nonEmpty } from '../args'
import { CliError } from '../exit'
import type { CliIO } from '../io'
import { json, table } from '../output'
import { usernames, withCore } from '../session'
import { terminalText } from '../terminal-text'
import { parseVariableType, targetUserId } from '../variable-args'

interface ImportOptions {
  user?: string
  type?: VariableType
  overwrite?: boolean
  skipExisting?: boolean
  dryRun?: boolean
  json?: boolean
}

type Mode = EnvImportOptions['mode']

const EXAMPLES = `
The file is read with dotenv's own parser (quotes, escapes, multi-line values, \`export \`, comments). The
preview lists every name with its line, type and status (new, changed, unchanged, invalid) and never a value;
a line that is not NAME=value (no \`=\`…) is reported by its number and skipped, and a name set on several
lines says so (the last one wins, as in dotenv).
Names that already hold a different value (changed) need --overwrite or --skip-existing; without one,
nothing is imported (exit 1). The import is all or nothing; a file that cannot be read changes nothing.
--dry-run shows the preview and exits as the import would, storing nothing. FILE "-" reads stdin.
Known provider names (OPENAI_API_KEY…) get Langflow's default fields. Each new variable's type is guessed
from its name: Credential (hidden) for *_KEY, *_API_KEY, *_TOKEN, *_SECRET, *_PASSWORD, *_PASS,
*_CREDENTIALS…, Generic (visible) otherwise (ASTRA_DB_API_ENDPOINT, LANGFLOW_PORT); --type forces one type
for every line (and replaces the stored type of overwritten variables, which otherwise keep theirs).

Examples:
  $ flowkeys import-env .env --dry-run
  $ flowkeys import-env .env --overwrite
  $ flowkeys import-env prod.env --user alice --skip-existing
  $ cat .env | flowkeys import-env - --type Generic --json`

const REFUSED = 'nothing was imported'

function readAll(input: CliIO['stdin']): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    input.on('data', (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      size += buffer.length
      if (size > MAX_ENV_FILE_BYTES) {
        input.pause()
        reject(new CliError(`stdin is larger than ${MAX_ENV_FILE_BYTES / 1024 / 1024} MiB; ${REFUSED}.`))
        return
      }
      chunks.push(buffer)
    })
    input.on('end', () => resolve(Buffer.concat(chunks)))
    input.on('error', reject)
    input.resume()
  })
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory'
}

/** The file's bytes; an unreadable file is one line (exit 1) before anything is opened. */
async function readInput(io: CliIO, file: string): Promise<Buffer> {
  if (file === '-') return readAll(io.stdin)
  try {
    const stat = statSync(file)
    if (stat.isFile() && stat.size > MAX_ENV_FILE_BYTES) {
      throw new CliError(`${file} is larger than ${MAX_ENV_FILE_BYTES / 1024 / 1024} MiB; ${REFUSED}.`)
    }
    return readFileSync(file)
  } catch (err) {
    if (err instanceof CliError) throw err
    const code = (err as NodeJS.ErrnoException).code ?? ''
    throw new CliError(`Cannot read ${file}: ${READ_ERRORS[code] ?? (code || 'unknown error')}; ${REFUSED}.`)
  }
}

function conflictError(names: string[]): CliError {
  const shown = names.slice(0, 20).join(', ')
  const more = names.length > 20 ? ` and ${names.length - 20} more` : ''
  const one = names.length === 1
  const subject = one ? '1 variable already exists' : `${names.length} variables already exist`
  const them = one ? 'it' : 'them'
  return new CliError(
    `${subject} with a different value: ${shown}${more}. ` +
      `Pass --overwrite to replace ${them} or --skip-existing to keep ${them}; ${REFUSED}.`
  )
}

function reason(entry: EnvPreviewEntry, mode: Mode, dryRun: boolean): string {
  const parts: string[] = []
  if (entry.reason) parts.push(entry.reason)
  if (entry.status === 'changed') {
    const fate =
      mode === 'overwrite'
        ? dryRun
          ? 'would be replaced'
          : 'replaced'
        : mode === 'skip-existing'
          ? 'kept (--skip-existing)'
          : 'needs --overwrite or --skip-existing'
    parts.push(`a different value is stored; ${fate}`)
  }
  if (entry.duplicateLines.length > 0) {
    const lines = entry.duplicateLines.join(', ')
    parts.push(`also set on line${entry.duplicateLines.length > 1 ? 's' : ''} ${lines} (the last wins)`)
  }
  return parts.join('; ')
}

function previewTable(preview: EnvPreview, mode: Mode, dryRun: boolean): string {
  return table(
    ['NAME', 'LINE', 'TYPE', 'STATUS', 'REASON'],
    preview.entries.map((e) => [
      e.name,
      e.line > 0 ? String(e.line) : '?',
      e.status === 'invalid' ? '-' : e.type,
      e.status,
      reason(e, mode, dryRun)
    ])
  )
}

/** `line 7: no \`=\`; skipped`: the line's number and why, never its content (it may hold a secret). */
function skippedLineText(skipped: EnvSkippedLine): string {
  return `line ${skipped.line}: ${skipped.reason}; skipped`
}

function linesSkipped(n: number): string {
  return n === 0 ? '' : `, ${n} line${n === 1 ? '' : 's'} skipped`
}

function summary(preview: EnvPreview, result: EnvImportResult | null, mode: Mode, who: string): string {
  const { counts } = preview
  const rest = `${counts.unchanged} unchanged, ${counts.invalid} invalid${linesSkipped(preview.skippedLines.length)}`
  if (!result) {
    const skipped = mode === 'skip-existing' ? counts.changed : 0
    return (
      `Dry run for ${who}, nothing was stored: would create ${counts.new}, ` +
      `update ${counts.changed - skipped}, skip ${skipped}; ${rest}.`
    )
  }
  return (
    `Imported for ${who}: ${result.created.length} created, ${result.updated.length} updated, ` +
    `${result.skipped.length} skipped; ${rest}.`
  )
}

/** A file the core cannot read as text (binary, bad UTF-8) is refused like an unreadable one: exit 1. */
function asRefusal(err: unknown): unknown {
  if (isFlowKeysError(err) && err.kind === 'Invalid') return new CliError(err.message)
  return err
}

function conflictsOf(err: unknown): string[] | null {
  if (!isFlowKeysError(err) || err.kind !== 'Conflict') return null
  const detail = err.detail as { conflicts?: unknown } | undefined
  return Array.isArray(detail?.conflicts) ? detail.conflicts.map(String) : null
}

/** `flowkeys import-env FILE`: previews a .env file and imports it, all or nothing. */
export function registerImportEnv(program: Command, io: CliIO): void {
  program
    .command('import-env')
    .description('Import variables from a .env file (shows a preview; never prints values)')
    .argument('<file>', 'the .env file, or - for stdin')
    .option('--user <user>', 'import for this user (username or id) instead of the superuser', nonEmpty)
    .option(
      '--type <type>',
      'one type for every line, Credential or Generic (default: guessed from each name)',
      parseVariableType
    )
    .addOption(
      new Option('--overwrite', 'replace variables that hold a different value').conflicts('skipExisting')
    )
    .option('--skip-existing', 'keep variables that hold a different value as they are')
    .option('--dry-run', 'show the preview only; store nothing')
    .option('--json', 'print the preview and the result as JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, options: ImportOptions, command: Command) => {
      const input = await readInput(io, file)
      const mode: Mode = options.overwrite ? 'overwrite' : options.skipExisting ? 'skip-existing' : undefined
      const dryRun = options.dryRun === true
      await withCore(io, command, async (core, actor) => {
        const userId = await targetUserId(core, actor, options.user)
        const who = (await usernames(core)).get(userId) ?? userId
        const importOptions: EnvImportOptions = { type: options.type, mode }
        // Read once: the preview and the import take the same entries.
        let envFile: EnvFile
        let preview: EnvPreview
        try {
          envFile = parseEnvFile(input)
          preview = await previewEnvImport(core.variables, userId, envFile, importOptions)
        } catch (err) {
          throw asRefusal(err)
        }
        let refusal = mode || preview.conflicts.length === 0 ? null : conflictError(preview.conflicts)
        let result: EnvImportResult | null = null
        if (!dryRun && !refusal) {
          try {
            result = await applyEnvImport(core.variables, userId, envFile, importOptions)
          } catch (err) {
            // Another process changed a value between the preview and the import.
            const conflicts = conflictsOf(err)
            if (!conflicts) throw asRefusal(err)
            refusal = conflictError(conflicts)
          }
        }
        if (options.json) io.out(json({ dry_run: dryRun, user_id: userId, preview, result }))
        else if (preview.entries.length === 0) {
          io.out(terminalText(`No variables in ${file === '-' ? 'stdin' : file}.`))
          for (const skipped of preview.skippedLines) io.out(skippedLineText(skipped))
        } else {
          io.out(previewTable(preview, mode, dryRun))
          for (const skipped of preview.skippedLines) io.out(skippedLineText(skipped))
          if (!refusal) io.out(terminalText(summary(preview, result, mode, who)))
        }
        if (refusal) throw refusal
      })
    })
}
