// The key server as the desktop app drives it: the same server `flowkeys serve` runs (routes bound to the
// core, requests written to the core's access log), started and stopped from the Server page. Its errors and
// warnings, which `flowkeys serve` prints, go to server.log in the data folder and to the Server page.
import type { Core } from '../core/open'
import { startKeyServer } from '../server/key-server'
import type { PortAdvice } from '../server/start'
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
    start: (port) =>
      startKeyServer(core, {
        port,
        version: options.version,
        log: problems.sink,
        portAdvice: APP_PORT_ADVICE
      })
  })
}

/** The app has a Port field on the same page as Start: its messages point there, not at `--port`. */
const APP_PORT_ADVICE: PortAdvice = {
  inUse: 'stop the other server, or change the Port below, save, and start again',
  notAllowed: 'change the Port below (1024 or higher), save, and start again'
}
