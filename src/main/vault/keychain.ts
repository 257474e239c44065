import { Unavailable, oneLine } from '../base/errors'

/** The OS keychain as the rest of the code sees it; only this file knows about keytar. */
export interface Keychain {
  get(account: string): Promise<string | null>
  set(account: string, secret: string): Promise<void>
  delete(account: string): Promise<boolean>
}

export const KEYCHAIN_SERVICE = 'FlowKeys'

export const KEYCHAIN_FIXES =
  'Start and unlock the OS keychain (on Linux a Secret Service such as gnome-keyring or KeePassXC on the D-Bus session), or set FLOWKEYS_SECRET_KEY to a 32-byte url-safe base64 key.'

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
}

let keytarModule: Promise<Keytar> | undefined

function loadKeytar(): Promise<Keytar> {
  keytarModule ??= import('keytar').then((m) => (m.default ?? m) as Keytar)
  return keytarModule
}

/**
 * The real keychain through keytar (Keychain on macOS, Credential Manager on Windows, Secret Service on Linux).
 * Every call has a time limit: a locked keyring may wait forever for a password prompt nobody can answer.
 */
export function osKeychain(service = KEYCHAIN_SERVICE, timeoutMs = 15_000): Keychain {
  const call = async <T>(what: string, fn: (k: Keytar) => Promise<T>): Promise<T> => {
    let keytar: Keytar
    try {
      keytar = await loadKeytar()
    } catch (err) {
      throw new Unavailable(`The OS keychain module (keytar) could not be loaded (${oneLine(err)}).`)
    }
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Unavailable(`The OS keychain did not answer within ${timeoutMs / 1000} s (is it locked?).`)
          ),
        timeoutMs
      )
      timer.unref()
    })
    try {
      return await Promise.race([fn(keytar), timeout])
    } catch (err) {
      if (err instanceof Unavailable) throw err
      throw new Unavailable(`The OS keychain is not available (${what}: ${oneLine(err)}).`)
    } finally {
      clearTimeout(timer)
    }
  }
  return {
    get: (account) => call('read', (k) => k.getPassword(service, account)),
    set: (account, secret) => call('write', (k) => k.setPassword(service, account, secret)),
    delete: (account) => call('delete', (k) => k.deletePassword(service, account))
  }
}
