import type { Command } from 'commander'
import { Conflict } from '../../base/errors'
import { databaseUrlFrom } from '../../config/database'
import { keychainAccount } from '../../vault/vault'
import { KEYCHAIN_SERVICE } from '../../vault/keychain'
import { copyStore } from '../../store/copy'
import { openStore } from '../../store/open'
import { ensureDataDir } from '../../store/data-file'
import { nonEmpty } from '../args'
import type { CliIO } from '../io'
import { withCore } from '../session'
import { terminalText } from '../terminal-text'

const COPY_EXAMPLES = `
TARGET is a PostgreSQL URL (postgresql://user@host:5432/db: the password comes from PGPASSWORD or ~/.pgpass,
never from the command line) or a folder for a JSON store. The copy is all or nothing; a target that already
holds data is replaced only with --force. Values stay sealed under the same vault key, so every server on the
target needs that key in FLOWKEYS_SECRET_KEY (or FLOWKEYS_SECRET_KEY_FILE).

Examples:
  $ flowkeys store copy --to postgresql://flowkeys@db.internal:5432/flowkeys
  $ FLOWKEYS_DATABASE_URL=postgresql://… flowkeys store copy --to ./data`

/** `flowkeys store show|copy`: which store is in use, and moving it between the JSON file and PostgreSQL. */
export function registerStore(program: Command, io: CliIO): void {
  const store = program.command('store').description('Show the store in use, or copy it to another one')

  store
    .command('show')
    .description('Print which store is in use (file path, or database host and name)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ flowkeys store show\n  $ flowkeys --database-url postgresql://flowkeys@db:5432/flowkeys store show'
    )
    .action((_options: unknown, command: Command) =>
      withCore(io, command, async (core) => {
        const { kind, where } = core.store.location
        io.out(terminalText(kind === 'postgres' ? `PostgreSQL ${where}` : `JSON file ${where}`))
      })
    )

  store
    .command('copy')
    .description('Copy every user, key and variable to another store (PostgreSQL or a JSON folder)')
    .requiredOption('--to <target>', 'a postgresql:// URL without a password, or a folder', nonEmpty)
    .option('--force', 'replace a target that already holds data')
    .addHelpText('after', COPY_EXAMPLES)
    .action((options: { to: string; force?: boolean }, command: Command) =>
      withCore(io, command, async (core) => {
        const toDatabase = /^postgres(ql)?:\/\//i.test(options.to)
        // Same rule as --database-url: a password on a command line is readable by every local user.
        const url = toDatabase ? databaseUrlFrom({}, options.to) : undefined
        if (!toDatabase) ensureDataDir(options.to)
        const target = await openStore(options.to, url)
        try {
          if (target.location.where === core.store.location.where)
            throw new Conflict(`${options.to} is the store in use; nothing was copied.`)
          const copied = await copyStore(core.store, target, { force: options.force === true })
          io.out(
            terminalText(
              `Copied ${copied.users} users, ${copied.api_keys} API keys and ${copied.variables} variables to ${target.location.where}.`
            )
          )
        } finally {
          await target.close()
        }
        if (toDatabase && (core.vault.source === 'keychain' || core.vault.source === 'generated')) {
          const { vault_id } = await core.store.vaultMeta()
          io.err(
            terminalText(
              "flowkeys: the servers on the team store need this store's vault key in FLOWKEYS_SECRET_KEY; it is in the OS " +
                `keychain (secret-tool lookup service ${KEYCHAIN_SERVICE} account ${keychainAccount(vault_id ?? '')}).`
            )
          )
        }
      })
    )
}
