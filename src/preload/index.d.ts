// The API the preload exposes on window.flowkeys (see src/preload/index.ts and src/shared/bridge.ts).
import type { FlowKeysApi } from '../shared/bridge'

export type { FlowKeysApi }

declare global {
  interface Window {
    readonly flowkeys: FlowKeysApi
  }
}
