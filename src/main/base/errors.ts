/**
 * Typed errors of the core. Each face (HTTP, IPC, CLI) maps them to its own status or exit code once,
 * in one place; nothing in the core knows about status codes.
 *
 * Messages must never contain a secret (a key, a password, a variable value): they reach logs and users.
 */
export type ErrorKind =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'Conflict'
  | 'Invalid'
  | 'TooLarge'
  | 'RateLimited'
  | 'Unavailable'
  | 'Corrupt'
  | 'UpstreamFailed'
  | 'UpstreamTimeout'
  | 'Internal'

/** What a core error may say beyond its message; each face decides how to show it. Never a secret. */
export interface ErrorDetail {
  /** The credential scheme to ask for: over HTTP, `WWW-Authenticate: Bearer`. */
  scheme?: 'Bearer'
  /** A structured answer that replaces the message (Langflow's auto_login refusal is an object). */
  body?: unknown
  /** A presented API key was wrong: counts toward the failed-attempt limit. */
  failedKey?: boolean
}

export class FlowKeysError extends Error {
  readonly kind: ErrorKind
  /** Extra structured detail a face may expose (never a secret). */
  readonly detail?: unknown

  constructor(kind: ErrorKind, message: string, detail?: unknown) {
    super(message)
    this.name = kind
    this.kind = kind
    this.detail = detail
  }
}

/** A request the core refuses because of its content (Langflow answers these with 400). */
export class BadRequest extends FlowKeysError {
  constructor(message: string, detail?: unknown) {
    super('BadRequest', message, detail)
  }
}

/** No valid credential, or the credential's user cannot act (401). */
export class Unauthorized extends FlowKeysError {
  constructor(message: string, detail?: unknown) {
    super('Unauthorized', message, detail)
  }
}

/** A valid caller without the right to do this (403). */
export class Forbidden extends FlowKeysError {
  constructor(message: string, detail?: unknown) {
    super('Forbidden', message, detail)
  }
}

export class NotFound extends FlowKeysError {
  constructor(message: string, detail?: unknown) {
    super('NotFound', message, detail)
  }
}

export class Conflict extends FlowKeysError {
  constructor(message: string, detail?: unknown) {
    super('Conflict', message, detail)
  }
}

/** Input that does not have the required shape (422 over HTTP, exit 2 in the CLI). */
export class Invalid extends FlowKeysError {
  constructor(message: string, detail?: unknown) {
    super('Invalid', message, detail)
  }
}

export class TooLarge extends FlowKeysError {
  constructor(message: string) {
    super('TooLarge', message)
  }
}

export class RateLimited extends FlowKeysError {
  readonly retryAfterSeconds: number
  constructor(message: string, retryAfterSeconds: number) {
    super('RateLimited', message)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** A dependency the core needs is missing: the OS keychain, a port, the data directory. */
export class Unavailable extends FlowKeysError {
  constructor(message: string, detail?: unknown) {
    super('Unavailable', message, detail)
  }
}

/** Stored data that cannot be read as it is: a broken store file, a vault key that opens nothing. */
export class Corrupt extends FlowKeysError {
  constructor(message: string, detail?: unknown) {
    super('Corrupt', message, detail)
  }
}

/** The Langflow upstream could not be reached, or refused FlowKeys' own key for it (a 502 over HTTP). */
export class UpstreamFailed extends FlowKeysError {
  constructor(message: string) {
    super('UpstreamFailed', message)
  }
}

/** The Langflow upstream did not answer in time (a 504 over HTTP). */
export class UpstreamTimeout extends FlowKeysError {
  constructor(message: string) {
    super('UpstreamTimeout', message)
  }
}

export function isFlowKeysError(err: unknown): err is FlowKeysError {
  return err instanceof FlowKeysError
}

/** A one-line description of any thrown value, safe for a log or a terminal. */
export function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return message.replace(/\s*\n\s*/g, ' ').trim()
}
