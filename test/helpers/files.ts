import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { expect } from 'vitest'

export interface FileContent {
  /** Full path. */
  path: string
  bytes: Buffer
  /** The bytes as UTF-8 (a secret is stored, if ever, as UTF-8). */
  text: string
}

/** Every file under `dir`, recursively. */
export function allFiles(dir: string): FileContent[] {
  const files: FileContent[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) files.push(...allFiles(path))
    else {
      const bytes = readFileSync(path)
      files.push({ path, bytes, text: bytes.toString('utf8') })
    }
  }
  return files
}

/** The files under `dir` (relative paths) whose bytes contain `secret` encoded as UTF-8. */
export function filesContaining(dir: string, secret: string): string[] {
  const needle = Buffer.from(secret, 'utf8')
  return allFiles(dir)
    .filter((file) => file.bytes.includes(needle))
    .map((file) => relative(dir, file.path))
}

/** Asserts that no file under `dir` holds any of `secrets`, nor the part of an API key that is never shown. */
export function expectNoFileHolds(dir: string, secrets: string[]): void {
  const files = allFiles(dir)
  expect(files.length).toBeGreaterThan(0)
  for (const { path, bytes } of files) {
    for (const secret of secrets) {
      expect(bytes.includes(Buffer.from(secret, 'utf8')), `${path} holds a secret`).toBe(false)
      if (secret.startsWith('sk-')) {
        expect(bytes.includes(Buffer.from(secret.slice(8), 'utf8')), `${path} holds a key's tail`).toBe(false)
      }
    }
  }
}
