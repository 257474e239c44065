/**
 * Which of the caller's variables a run may carry as request variables: all of them, or only those the flow names
 * (FlowKeys reads the flow from the upstream first). Saved with the upstream; FLOWKEYS_UPSTREAM_VARIABLES wins.
 */
export const VARIABLE_SCOPES = ['all', 'named'] as const
export type VariableScope = (typeof VARIABLE_SCOPES)[number]

/**
 * What each run through FlowKeys carries of the caller's variables, as the gateway's settings
 * (FLOWKEYS_UPSTREAM_CREDENTIALS, FLOWKEYS_UPSTREAM_VARIABLES) and the upstream's Langflow version decide. A caller
 * with a variable no header can carry gets the flow's named ones instead (see SECURITY.md).
 */
export const CREDENTIAL_MODES = ['all-as-headers', 'named-as-headers', 'named-as-tweaks'] as const
export type CredentialMode = (typeof CREDENTIAL_MODES)[number]

/** The mode in a few words, for the CLI and the app. */
export function describeCredentialMode(mode: CredentialMode): string {
  switch (mode) {
    case 'all-as-headers':
      return "all of the caller's variables, as request variables"
    case 'named-as-headers':
      return 'the variables the flow names (read first), as request variables'
    case 'named-as-tweaks':
      return 'the variables the flow names (read first), as tweaks'
  }
}
