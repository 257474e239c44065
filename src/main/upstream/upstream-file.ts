import { readFileSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { Corrupt, oneLine } from '../base/errors'
import { VARIABLE_SCOPES } from '../../shared/upstream-credentials'
import { writeFileAtomic } from '../store/atomic-file'

/** `flowkeys upstream set` writes here, in the data directory (0600, replaced atomically). */
export const UPSTREAM_FILE = 'upstream.json'

/** What the file holds: the key only as a Fernet token of the vault (never in clear on disk). */
const UpstreamFileSchema = z.object({
  version: z.literal(1),
  url: z.string(),
  api_key: z.string(),
  /** During a vault-key rotation: the key sealed by the new vault key, until the store has changed over. */
  api_key_rotated: z.string().optional(),
  allow_plain_http: z.boolean(),
  /** Which of a caller's variables runs may carry (absent in files written before it: all). */
  variables: z.enum(VARIABLE_SCOPES).optional(),
  updated_at: z.string()
})
export type UpstreamFile = z.infer<typeof UpstreamFileSchema>

export function upstreamFilePath(dataDir: string): string {
  return join(dataDir, UPSTREAM_FILE)
}

/** The file's record, or null when there is none; a broken file is Corrupt (it is left as it is). */
export function readUpstreamFile(file: string): UpstreamFile | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new Corrupt(`Cannot read ${file}: ${oneLine(err)}`)
  }
  try {
    return UpstreamFileSchema.parse(JSON.parse(text))
  } catch {
    throw new Corrupt(`${file} is not an upstream setting FlowKeys wrote: set the upstream again`)
  }
}

export function writeUpstreamFile(file: string, record: UpstreamFile): void {
  writeFileAtomic(file, JSON.stringify(record, null, 2) + '\n', 0o600)
}

export function removeUpstreamFile(file: string): boolean {
  try {
    unlinkSync(file)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}
