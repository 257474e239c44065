import { randomUUID } from 'node:crypto'
import { afterAll } from 'vitest'
import { osKeychain, type Keychain } from '../../src/main/vault/keychain'

/** The real keychains testKeychain() made in this test file, with the accounts written to each. */
const made = new Map<Keychain, Set<string>>()

// One hook for the whole file, registered while its imports are evaluated (see test/setup/file-end.ts for why not per call).
afterAll(async () => {
  for (const [real, accounts] of made) for (const account of accounts) await real.delete(account)
  made.clear()
})

/**
 * The real OS keychain (the private gnome-keyring of scripts/with-keyring.sh) under a service of this run only:
 * one per "machine" a test models. The items written through it are removed when the test file ends.
 */
export function testKeychain(label: string): Keychain {
  const real = osKeychain(`flowkeys-test-${label}-${randomUUID()}`)
  const accounts = new Set<string>()
  made.set(real, accounts)
  return {
    get: (account) => real.get(account),
    set: (account, secret) => (accounts.add(account), real.set(account, secret)),
    delete: (account) => real.delete(account)
  }
}
