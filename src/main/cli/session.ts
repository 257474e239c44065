import type { Command } from 'commander'
import { NotFound, isFlowKeysError } from '../base/errors'
import { openCore, type Core } from '../core/open'
import type { UserRecord } from '../store/schema'
import type { Actor } from '../users/actor'
import type { CliIO } from './io'
import { terminalText } from './terminal-text'

/** Options every command accepts (declared once, on the program). */
export type GlobalOptions = {
  dataDir?: string
  databaseUrl?: string
}

/**
 * Opens the core for one command, as the configured superuser: whoever can run the CLI already holds the store
 * and the vault key (keychain or FLOWKEYS_SECRET_KEY), so it gets the rights the desktop app has. The core is
 * always closed before the command ends, which flushes usage counters.
 */
export async function withCore<T>(
  io: CliIO,
  command: Command,
  fn: (core: Core, actor: Actor) => Promise<T> | T
): Promise<T> {
  const { dataDir, databaseUrl } = command.optsWithGlobals<GlobalOptions>()
  const core = await openCore({
    dataDir,
    databaseUrl,
    env: io.env,
    // Warnings may quote names (a variable, the configured superuser).
    warn: (message) => io.err(terminalText(`flowkeys: warning: ${message}`))
  })
  let result: T
  try {
    result = await fn(core, core.desktopActor())
  } catch (err) {
    await core.close().catch(() => undefined)
    throw err
  }
  await core.close()
  // Told to a person at a terminal; a script's first command stays quiet (`flowkeys init` is its way).
  if (
    core.vault.source === 'generated' &&
    io.stdin.isTTY === true &&
    !['init', 'recovery-key'].includes(command.name())
  ) {
    io.err(
      terminalText(
        'flowkeys: a new vault key was made in the OS keychain. Run `flowkeys recovery-key` and write the key down: it is the way back if the keychain item is ever lost.'
      )
    )
  }
  return result
}

/** The user an argument names, by id or username; unknown names the argument (a username is not a secret). */
export async function resolveUser(core: Core, idOrUsername: string): Promise<UserRecord> {
  try {
    return await core.users.resolve(idOrUsername)
  } catch (err) {
    if (isFlowKeysError(err) && err.kind === 'NotFound') throw new NotFound(`User not found: ${idOrUsername}`)
    throw err
  }
}

/** Usernames by id, for listings that show whose a key is. */
export async function usernames(core: Core): Promise<Map<string, string>> {
  return new Map((await core.store.listUsers()).users.map((u) => [u.id, u.username]))
}
