import { processIO } from './io'
import { runCli } from './program'

// `flowkeys keys list | head -1`: a reader that stops early is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw err
  })
}

// The exit code is set, not forced with process.exit(), so that stdout and stderr are fully written first.
process.exitCode = await runCli(process.argv.slice(2), processIO())
