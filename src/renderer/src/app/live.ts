// Main's pushes (src/shared/channels.ts EVENTS) applied to the stores, subscribed once for the window: the key
// server's status and requests as they happen, and the lists loaded again when another process (the CLI, a
// `flowkeys serve`) changed the store. Nothing polls.
import { useKeys } from '@renderer/features/keys/store'
import { useServer } from '@renderer/features/server/store'
import { useUsers } from '@renderer/features/users/store'
import { useVariables } from '@renderer/features/variables/store'
import { api } from '@renderer/lib/ipc'

/** Loads again the lists the window has loaded (a list never opened loads when its page opens). */
function reloadLoadedLists(what: 'keys' | 'variables' | 'users' | 'all'): void {
  if ((what === 'all' || what === 'keys') && useKeys.getState().loaded) void useKeys.getState().load()
  if ((what === 'all' || what === 'variables') && useVariables.getState().loaded)
    void useVariables.getState().load()
  if ((what === 'all' || what === 'users') && useUsers.getState().loaded) void useUsers.getState().load()
}

/** Subscribes the stores to every push; returns a function that unsubscribes them. */
export function subscribeToPushes(): () => void {
  const flowkeys = api()
  const stops = [
    flowkeys.on('server:changed', (status) => useServer.getState().applyStatus(status)),
    flowkeys.on('access:entry', (entry) => useServer.getState().addEntry(entry)),
    flowkeys.on('store:changed', ({ what }) => reloadLoadedLists(what))
  ]
  return () => {
    for (const stop of stops) stop()
  }
}
