// The key server as the desktop app drives it: the same server `flowkeys serve` runs (routes bound to the
// core, requests written to the core's access log), started and stopped from the Server page. Its errors and
// warnings, which `flowkeys serve` prints, go to server.log in the data folder and to the Server page.
import type { Core } from '../core/open'
import { startKeyServer } from '../server/key-server'
import { createServerController } from './server-controller'
import { serverProblemLog, type ServerProblemLogOptions } from './server-problems'
import type { ServerController } from './services'

export interface KeyServerControllerOptions extends ServerProblemLogOptions {
  /** The port for the next start (from the app's preferences). */
  port(): number
  version?: string
}

export function keyServerController(core: Core, options: KeyServerControllerOptions): ServerController {
  const problems = serverProblemLog(core.dataDir, { echo: options.echo, warn: options.warn })
  return createServerController({
    port: options.port,
    accessLog: core.accessLog,
    problems,
    start: async (port) => {
      try {
        return await startKeyServer(core, { port, version: options.version, log: problems.sink })
      } catch (err) {
        throw inAppWords(err)
      }
    }
  })
}

const CLI_PORT_HINT = /:? (?:stop the other server or )?pick another with --port$/

/**
 * The server's own messages speak to `flowkeys serve` ("pick another with --port"); the app has a Port field on
 * the same page, so its message points there.
 */
export function inAppWords(err: unknown): unknown {
  if (!(err instanceof Error) || !CLI_PORT_HINT.test(err.message)) return err
  const inUse = err.message.includes('already in use')
  const hint = inUse
    ? ': stop the other server, or change the Port below, save, and start again'
    : ': change the Port below (1024 or higher), save, and start again'
  err.message = err.message.replace(CLI_PORT_HINT, hint)
  return err
}
