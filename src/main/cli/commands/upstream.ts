import { Option, type Command } from 'commander'
import { readSecret } from '../prompt'
import { probeUpstream } from '../../upstream/probe'
import { parseUpstreamUrl } from '../../upstream/target'
import type { CliIO } from '../io'
import { json } from '../output'
import { withCore } from '../session'
import { terminalText } from '../terminal-text'
import {
  describeCredentialMode,
  VARIABLE_SCOPES,
  type VariableScope
} from '../../../shared/upstream-credentials'

const SET_EXAMPLES = `
The upstream's API key is asked on the terminal (never echoed) or read from the first line of stdin with
--api-key-stdin; never from the command line. It is stored encrypted by the vault, in the data directory.
Servers can use FLOWKEYS_UPSTREAM_URL and FLOWKEYS_UPSTREAM_API_KEY (or FLOWKEYS_UPSTREAM_API_KEY_FILE) instead.

Runs carry all of the caller's variables as Langflow's request variables (Langflow 1.8 and later); with
--variables named, only those the flow names (FlowKeys then reads the flow from Langflow before each run).

Examples:
  $ flowkeys upstream set http://127.0.0.1:7860
  $ printf '%s\\n' "$LANGFLOW_API_KEY" |
      flowkeys upstream set https://langflow.internal --api-key-stdin
  $ flowkeys upstream set http://127.0.0.1:7860 --variables named`

function readUpstreamKey(io: CliIO, fromStdin: boolean): Promise<string> {
  return readSecret(io, { fromStdin, flag: '--api-key-stdin', what: "upstream Langflow's API key" })
}

const EXAMPLES = `
Clients call FlowKeys' /api/v1/run/… with a FlowKeys key; FlowKeys adds the caller's credentials and forwards the
run to this Langflow server with its own API key.

Examples:
  $ flowkeys upstream set http://127.0.0.1:7860
  $ flowkeys upstream show
  $ flowkeys upstream clear`

/** `flowkeys upstream set|show|clear`: the Langflow server that runs flows called through FlowKeys. */
export function registerUpstream(program: Command, io: CliIO): void {
  const upstream = program
    .command('upstream')
    .description('Set, show or clear the Langflow server FlowKeys forwards flow runs to')
    .addHelpText('after', EXAMPLES)

  upstream
    .command('set')
    .description("Set the upstream Langflow's URL and its API key")
    .argument('<url>', "the Langflow server's address, such as http://127.0.0.1:7860")
    .option('--api-key-stdin', "read the upstream's API key from the first line of stdin")
    .option('--allow-plain-http', 'allow http:// to a host beyond this machine (a private network)')
    .addOption(
      new Option(
        '--variables <scope>',
        "which of a caller's variables runs carry: all, or those the flow names"
      )
        .choices(VARIABLE_SCOPES)
        .default('all')
    )
    .addHelpText('after', SET_EXAMPLES)
    .action(
      (
        url: string,
        options: { apiKeyStdin?: boolean; allowPlainHttp?: boolean; variables: VariableScope },
        command: Command
      ) =>
        withCore(io, command, async (core, actor) => {
          // The URL is judged before the key is asked for: a typo costs no secret typed for nothing.
          parseUpstreamUrl(url, { allowPlainHttp: options.allowPlainHttp === true })
          const apiKey = await readUpstreamKey(io, options.apiKeyStdin === true)
          const view = core.upstream.set(actor, url, apiKey, {
            allowPlainHttp: options.allowPlainHttp,
            variables: options.variables
          })
          io.out(terminalText(`Upstream set: ${view.url} (API key ${view.api_key}).`))
          const probe = await probeUpstream(core.upstream.current()!)
          if (probe.problem) io.err(terminalText(`flowkeys: warning: ${probe.problem}`))
        })
    )

  upstream
    .command('show')
    .description('Print the upstream, its masked key, whether it answers and its Langflow version')
    .option(
      '--json',
      'print {url, api_key, source, variables, reachable, version, key_accepted, problem, credentials}'
    )
    .addHelpText('after', '\nExamples:\n  $ flowkeys upstream show\n  $ flowkeys upstream show --json')
    .action((options: { json?: boolean }, command: Command) =>
      withCore(io, command, async (core, actor) => {
        const view = core.upstream.show(actor)
        if (!view) {
          if (options.json) io.out(json(null))
          else io.out('No upstream is set: flowkeys upstream set URL')
          return
        }
        const target = core.upstream.current()!
        const probe = await probeUpstream(target)
        const mode = core.gateway.credentialMode(target, probe.version)
        if (options.json) {
          io.out(
            json({
              ...view,
              reachable: probe.reachable,
              version: probe.version,
              key_accepted: probe.keyAccepted,
              problem: probe.problem,
              credentials: mode
            })
          )
          return
        }
        const from = view.source === 'environment' ? 'FLOWKEYS_UPSTREAM_URL' : 'the data directory'
        const lines = [
          `URL:      ${view.url}  (from ${from})`,
          `API key:  ${view.api_key}`,
          `Status:   ${probe.reachable ? 'answers' : 'unreachable'}${probe.version ? `, Langflow ${probe.version}` : ''}`
        ]
        if (mode) lines.push(`Runs get: ${describeCredentialMode(mode)}`)
        if (probe.problem) lines.push(`Problem:  ${probe.problem}`)
        for (const line of lines) io.out(terminalText(line))
      })
    )

  upstream
    .command('clear')
    .description('Forget the upstream set with `flowkeys upstream set`')
    .addHelpText(
      'after',
      '\nFLOWKEYS_UPSTREAM_URL, when set, decides the upstream instead.\n\nExamples:\n  $ flowkeys upstream clear'
    )
    .action((_options: unknown, command: Command) =>
      withCore(io, command, async (core, actor) => {
        const cleared = core.upstream.clear(actor)
        io.out(cleared ? 'Upstream cleared.' : 'No upstream was set.')
      })
    )
}
