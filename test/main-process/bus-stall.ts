// A D-Bus session address that accepts connections and answers nothing until released, then passes everything
// through to the real session bus: to the app, the OS keychain (Secret Service) is "waiting for an unlock".
import { createServer, connect, type Server, type Socket } from 'node:net'
import { join } from 'node:path'

export interface StalledBus {
  /** For DBUS_SESSION_BUS_ADDRESS. */
  address: string
  /** From now on, connections reach the real bus. */
  release(): void
  /** How many connections were made to it. */
  connections(): number
  close(): Promise<void>
}

/** The socket path (or abstract name, with a leading NUL) of a `unix:` D-Bus address. */
export function busSocket(address: string | undefined): string | null {
  const unix = address?.split(';').find((part) => part.startsWith('unix:'))
  if (!unix) return null
  const fields = new Map(
    unix
      .slice('unix:'.length)
      .split(',')
      .map((field) => field.split('=') as [string, string])
  )
  if (fields.has('path')) return fields.get('path')!
  if (fields.has('abstract')) return `\0${fields.get('abstract')!}`
  return null
}

export async function stalledBus(realBus: string, folder: string): Promise<StalledBus> {
  const path = join(folder, 'stalled-bus')
  const waiting: Socket[] = []
  const sockets = new Set<Socket>()
  let released = false
  let count = 0

  const pass = (client: Socket): void => {
    const upstream = connect(realBus)
    sockets.add(upstream)
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
    client.pipe(upstream).pipe(client)
    client.resume()
  }

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    count++
    sockets.add(client)
    if (released) pass(client)
    else waiting.push(client)
  })
  await new Promise<void>((done) => server.listen(path, done))

  return {
    address: `unix:path=${path}`,
    release() {
      released = true
      for (const client of waiting.splice(0)) pass(client)
    },
    connections: () => count,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => done())
      })
  }
}
