// The key server as the desktop app drives it: the same server `flowkeys serve` runs (routes bound to the
// core, requests written to the core's access log), started and stopped from the Server page.
import type { Core } from '../core/open'
import { startKeyServer } from '../server/key-server'
import { createServerController } from './server-controller'
import type { ServerController } from './services'

export interface KeyServerControllerOptions {
  /** The port for the next start (from the app's preferences). */
  port(): number
  version?: string
}

export function keyServerController(core: Core, options: KeyServerControllerOptions): ServerController {
  return createServerController({
    port: options.port,
    accessLog: core.accessLog,
    start: (port) => startKeyServer(core, { port, version: options.version })
  })
}
