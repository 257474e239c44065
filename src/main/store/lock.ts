import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Unavailable } from '../base/errors'

export interface LockOptions {
  /** How long to wait for another process to release the lock. */
  timeoutMs?: number
  /** A lock held from another host is taken over once this old (its owner cannot be asked whether it lives). */
  staleMs?: number
}

export type Release = () => void

const HOST = hostname()

/**
 * A cross-process lock: a lock file created with O_EXCL that records its owner's pid and host.
 * A lock whose owner died (SIGKILL, power cut) is taken over at once rather than after a timeout, so a crashed
 * CLI never blocks the app. Within one process, callers are queued so they never wait on themselves.
 * Its own rather than proper-lockfile's: that one judges a lock by its age alone, so it can neither take a dead
 * owner's lock at once nor leave a live owner's alone.
 */
export class FileLock {
  private queue: Promise<void> = Promise.resolve()

  constructor(
    readonly path: string,
    private readonly options: LockOptions = {}
  ) {}

  /** Runs `fn` while holding the lock. */
  async with<T>(fn: () => T | Promise<T>): Promise<T> {
    const previous = this.queue
    let done!: () => void
    this.queue = new Promise<void>((resolve) => (done = resolve))
    await previous
    try {
      const release = await this.acquire()
      try {
        return await fn()
      } finally {
        release()
      }
    } finally {
      done()
    }
  }

  private async acquire(): Promise<Release> {
    const timeoutMs = this.options.timeoutMs ?? 15_000
    const deadline = Date.now() + timeoutMs
    let delay = 2
    for (;;) {
      const release = this.tryCreate()
      if (release) return release
      if (this.breakIfStale()) continue
      if (Date.now() > deadline) {
        const owner = this.readOwner()
        throw new Unavailable(
          `The store is locked by another FlowKeys process${owner ? ` (pid ${owner.pid})` : ''}: ${this.path}`
        )
      }
      await sleep(delay + Math.random() * delay)
      delay = Math.min(delay * 2, 50)
    }
  }

  private tryCreate(): Release | null {
    let fd: number
    try {
      fd = openSync(this.path, 'wx', 0o600)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null
      throw err
    }
    const token = randomBytes(8).toString('hex')
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, host: HOST, token }))
    } finally {
      closeSync(fd)
    }
    return () => {
      // Only remove the lock if it is still ours: it may have been taken over after a long stall.
      if (this.readOwner()?.token === token) {
        try {
          unlinkSync(this.path)
        } catch {
          /* already gone */
        }
      }
    }
  }

  private readOwner(): { pid: number; host: string; token: string } | null {
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as {
        pid: number
        host: string
        token: string
      }
      return typeof parsed.pid === 'number' ? parsed : null
    } catch {
      return null
    }
  }

  private breakIfStale(): boolean {
    let age: number
    try {
      age = Date.now() - statSync(this.path).mtimeMs
    } catch {
      return true // released meanwhile: try again at once
    }
    const owner = this.readOwner()
    const staleMs = this.options.staleMs ?? 30_000
    // A live owner on this machine keeps its lock however long it holds it (two writers at once would lose
    // writes); a dead one loses it at once. An owner on another host (a shared folder) cannot be asked: age
    // decides. An owner that has not written its pid yet is mid-creation, unless that has lasted too long.
    if (owner && owner.host === HOST) {
      if (isAlive(owner.pid)) return false
    } else if (owner ? age < staleMs : age < 5_000) {
      return false
    }
    // Renaming first means only one waiter takes a given stale lock over.
    const aside = `${this.path}.stale-${randomBytes(4).toString('hex')}`
    try {
      renameSync(this.path, aside)
      unlinkSync(aside)
    } catch {
      /* someone else took it over first */
    }
    return true
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
