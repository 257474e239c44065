// The API the preload exposes on window.flowkeys (see src/preload/index.ts).
export interface FlowKeysApi {
  readonly appVersion: string
}

declare global {
  interface Window {
    readonly flowkeys: FlowKeysApi
  }
}
