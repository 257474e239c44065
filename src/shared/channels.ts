// The IPC channel names, and nothing else: the sandboxed preload bundles this list without zod.
// src/shared/ipc.ts gives each channel its request and response schema; its type checks that both lists
// name exactly the same channels. A channel is `<area>:<method>`; window.flowkeys exposes it as
// `flowkeys.<area>.<method>(payload)`.
export const CHANNELS = [
  'keys:list',
  'keys:create',
  'keys:revoke',
  'keys:rename',
  'variables:list',
  'variables:create',
  'variables:update',
  'variables:delete',
  'variables:deleteMany',
  'variables:reveal',
  'envImport:preview',
  'envImport:apply',
  'server:status',
  'server:start',
  'server:stop',
  'server:accessLog',
  'server:errors',
  'upstream:show',
  'upstream:set',
  'upstream:clear',
  'users:list',
  'users:add',
  'users:setActive',
  'users:setSuperuser',
  'users:update',
  'users:setPassword',
  'users:delete',
  'vault:status',
  'vault:recovery-key',
  'vault:backup',
  'vault:rotate',
  'app:startup',
  'app:whoami',
  'app:settings',
  'app:store',
  'app:updateSettings',
  'app:openExternal',
  'clipboard:copy'
] as const

export type Channel = (typeof CHANNELS)[number]
export type Area = Channel extends `${infer A}:${string}` ? A : never
export type MethodOf<A extends Area> = Channel extends infer C
  ? C extends `${A}:${infer M}`
    ? M
    : never
  : never

const KNOWN: ReadonlySet<string> = new Set(CHANNELS)

/**
 * The pushes main sends to the window, unasked: `on(event, listener)` on window.flowkeys subscribes to one of
 * them. src/shared/ipc.ts gives each its payload schema (main validates every payload before sending).
 */
export const EVENTS = ['server:changed', 'access:entry', 'store:changed'] as const
export type EventName = (typeof EVENTS)[number]

/** The one ipcRenderer channel every push travels on, as `(event, payload)`; never a request channel. */
export const PUSH_CHANNEL = 'flowkeys:push'

const KNOWN_EVENTS: ReadonlySet<string> = new Set(EVENTS)

export function isEvent(value: unknown): value is EventName {
  return typeof value === 'string' && KNOWN_EVENTS.has(value)
}

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && KNOWN.has(value)
}

export function splitChannel(channel: Channel): [area: string, method: string] {
  const at = channel.indexOf(':')
  return [channel.slice(0, at), channel.slice(at + 1)]
}
