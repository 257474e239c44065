import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { Conflict } from '../../base/errors'
import { databaseUrlFrom } from '../../config/database'
import { resolveDataDir } from '../../config/paths'
import { rotateVaultKey } from '../../core/rotate'
import { readBackupFile, restoreBackup, writeBackup } from '../../recovery/backup'
import { hasRecoveryKey, makeRecoveryKey, recoverVaultKey } from '../../recovery/recovery'
import { openStore } from '../../store/open'
import { writeFileAtomic } from '../../store/atomic-file'
import { osKeychain } from '../../vault/keychain'
import { encodeVaultKey, generateVaultKey } from '../../vault/vault-key'
import { nonEmpty } from '../args'
import { usageError } from '../exit'
import type { CliIO } from '../io'
import { box } from '../output'
import { promptHidden, readSecret } from '../prompt'
import { withCore, type GlobalOptions } from '../session'
import { terminalText } from '../terminal-text'

const RECOVERY_ADVICE =
  'Write it down or print it and keep it away from this computer: with it, `flowkeys recover` brings the vault ' +
  'key back if the keychain item is lost. FlowKeys keeps no copy and will not show it again.'

function showRecoveryKey(io: CliIO, text: string): void {
  io.out(box(['FlowKeys recovery key (shown once)', '', text]))
  io.err(terminalText(RECOVERY_ADVICE))
}

/** A new passphrase: from stdin, or typed twice on the terminal. */
async function newPassphrase(io: CliIO, fromStdin: boolean): Promise<string> {
  const flag = '--passphrase-stdin'
  const first = await readSecret(io, { fromStdin, flag, what: 'backup passphrase' })
  if (fromStdin) return first
  const again = await promptHidden(io, 'The same passphrase again: ', `backup passphrase: pass ${flag}`)
  if (again !== first) throw usageError('the two passphrases differ; nothing was written')
  return first
}

const INIT_EXAMPLES = `
The recovery key is the way back to the secrets if the OS keychain loses the vault key. Without a terminal (a
script), FlowKeys makes the vault at its first command and says nothing: run this then.

Example:
  $ flowkeys init`

const RECOVER_EXAMPLES = `
The recovery key is asked on the terminal (never echoed) or read from stdin; never from the command line.

Examples:
  $ flowkeys recover
  $ flowkeys recover --recovery-key-stdin < recovery-key.txt
  $ FLOWKEYS_DATABASE_URL=postgresql://… flowkeys recover --key-file ./vault-key`

const BACKUP_EXAMPLES = `
The file holds the store, its vault key and the data directory's settings, encrypted under the passphrase
(scrypt, AES-256-GCM). Keep the passphrase apart from the file: either alone opens nothing.

Examples:
  $ flowkeys backup --output ~/flowkeys-$(date +%F).fkbackup
  $ printf '%s\\n' "$BACKUP_PASSPHRASE" |
      flowkeys backup --output /backups/flowkeys.fkbackup --passphrase-stdin`

const RESTORE_EXAMPLES = `
Restores into an empty data directory (or the store FLOWKEYS_DATABASE_URL names): users, API keys (they keep
working), variables and settings; the vault key goes into this machine's OS keychain.

Examples:
  $ flowkeys restore ~/flowkeys-2026-12-07.fkbackup
  $ flowkeys restore b.fkbackup --passphrase-stdin --data-dir ./new < pw.txt`

const ROTATE_EXAMPLES = `
Every value is sealed again under a new vault key in one atomic change; API keys keep working, sessions end.
A running key server and the app pick the new key up by themselves. A key held in FLOWKEYS_SECRET_KEY or
FLOWKEYS_SECRET_KEY_FILE cannot be replaced in place: --new-key-file writes the new one, to set on every server.

Examples:
  $ flowkeys rotate-key
  $ FLOWKEYS_SECRET_KEY_FILE=/run/secrets/key1 \\
      flowkeys rotate-key --new-key-file /run/secrets/key2`

/** `flowkeys init|backup|restore|recovery-key|recover|rotate-key`: never losing the vault, and replacing its key. */
export function registerVault(program: Command, io: CliIO): void {
  program
    .command('init')
    .description('Create the store and its vault key, and show the recovery key once')
    .addHelpText('after', INIT_EXAMPLES)
    .action((_options: unknown, command: Command) =>
      withCore(io, command, async (core) => {
        if (await hasRecoveryKey(core.store)) {
          io.err(
            terminalText(
              `flowkeys: ${core.store.location.where} is ready and has a recovery key (flowkeys recovery-key makes a new one).`
            )
          )
          return
        }
        showRecoveryKey(io, await makeRecoveryKey(core))
      })
    )

  program
    .command('recovery-key')
    .description('Make a new recovery key (the previous one stops working) and show it once')
    .addHelpText('after', '\nExample:\n  $ flowkeys recovery-key')
    .action((_options: unknown, command: Command) =>
      withCore(io, command, async (core) => showRecoveryKey(io, await makeRecoveryKey(core)))
    )

  program
    .command('recover')
    .description("Put the vault key back in the OS keychain with the store's recovery key")
    .option('--recovery-key-stdin', 'read the recovery key from the first line of stdin')
    .option(
      '--key-file <file>',
      'write the vault key to this new file (0600) instead, for a server',
      nonEmpty
    )
    .addHelpText('after', RECOVER_EXAMPLES)
    .action(async (options: { recoveryKeyStdin?: boolean; keyFile?: string }, command: Command) => {
      const typed = await readSecret(io, {
        fromStdin: options.recoveryKeyStdin === true,
        flag: '--recovery-key-stdin',
        what: 'recovery key'
      })
      const { dataDir, databaseUrl } = command.optsWithGlobals<GlobalOptions>()
      const dir = resolveDataDir(dataDir, io.env)
      const store = await openStore(dir, databaseUrlFrom(io.env, databaseUrl))
      try {
        const where = await recoverVaultKey(typed, {
          store,
          keychain: osKeychain(),
          keyFile: options.keyFile
        })
        io.err(
          terminalText(
            where === 'file'
              ? `flowkeys: the vault key of ${store.location.where} is in ${options.keyFile}: point FLOWKEYS_SECRET_KEY_FILE at it.`
              : where === 'already'
                ? 'flowkeys: the OS keychain already holds this vault key; nothing changed.'
                : `flowkeys: the vault key of ${store.location.where} is back in the OS keychain.`
          )
        )
      } finally {
        await store.close()
      }
    })

  program
    .command('backup')
    .description('Write an encrypted backup of the store, its vault key and settings')
    .requiredOption('--output <file>', 'the backup file to write (0600)', nonEmpty)
    .option('--passphrase-stdin', 'read the passphrase from the first line of stdin')
    .option('--force', 'replace an existing file')
    .addHelpText('after', BACKUP_EXAMPLES)
    .action((options: { output: string; passphraseStdin?: boolean; force?: boolean }, command: Command) =>
      withCore(io, command, async (core) => {
        if (!options.force && existsSync(options.output)) {
          throw new Conflict(
            `${options.output} already exists; it was left as it is (replace it with --force).`
          )
        }
        const passphrase = await newPassphrase(io, options.passphraseStdin === true)
        const done = await writeBackup(core, options.output, passphrase, { force: options.force === true })
        io.err(
          terminalText(
            `flowkeys: wrote ${options.output}: ${done.users} users, ${done.api_keys} API keys, ${done.variables} variables` +
              (done.files.length > 0 ? ` and ${done.files.join(', ')}` : '') +
              '.'
          )
        )
      })
    )

  program
    .command('restore')
    .description('Restore an encrypted backup into an empty data directory, its key into the OS keychain')
    .argument('<file>', 'the backup file')
    .option('--passphrase-stdin', 'read the passphrase from the first line of stdin')
    .option('--force', 'replace a store that already holds data')
    .addHelpText('after', RESTORE_EXAMPLES)
    .action(
      async (file: string, options: { passphraseStdin?: boolean; force?: boolean }, command: Command) => {
        const bytes = readBackupFile(file)
        const passphrase = await readSecret(io, {
          fromStdin: options.passphraseStdin === true,
          flag: '--passphrase-stdin',
          what: 'backup passphrase'
        })
        const { dataDir, databaseUrl } = command.optsWithGlobals<GlobalOptions>()
        const done = await restoreBackup(file, bytes, passphrase, {
          dataDir: resolveDataDir(dataDir, io.env),
          databaseUrl: databaseUrlFrom(io.env, databaseUrl),
          env: io.env,
          keychain: osKeychain(),
          force: options.force === true
        })
        io.err(
          terminalText(
            `flowkeys: restored ${done.users} users, ${done.api_keys} API keys and ${done.variables} variables ` +
              `(backup of ${done.createdAt}) into ${done.store}` +
              (done.key === 'keychain' ? '; the vault key is in the OS keychain.' : '.')
          )
        )
      }
    )

  program
    .command('rotate-key')
    .description('Seal every value again under a new vault key; API keys keep working, sessions end')
    .option(
      '--new-key-file <file>',
      'for a key from the environment: write the new key to this new file (0600)',
      nonEmpty
    )
    .addHelpText('after', ROTATE_EXAMPLES)
    .action((options: { newKeyFile?: string }, command: Command) =>
      withCore(io, command, async (core) => {
        let master: Buffer | undefined
        if (options.newKeyFile) {
          if (existsSync(options.newKeyFile)) {
            throw new Conflict(`${options.newKeyFile} already exists; it was left as it is.`)
          }
          master = generateVaultKey()
          // Written before the store changes: a crash after the rotation never loses the only copy of the key.
          writeFileAtomic(options.newKeyFile, `${encodeVaultKey(master)}\n`, 0o600)
        }
        const done = await rotateVaultKey(core, master)
        io.err(
          terminalText(
            `flowkeys: sealed ${done.variables} variables and ${done.store_keys} store keys under a new vault key. ` +
              'API keys keep working; every session must log in again.' +
              (options.newKeyFile
                ? ` Set FLOWKEYS_SECRET_KEY_FILE=${options.newKeyFile} on every server.`
                : '')
          )
        )
      })
    )
}
