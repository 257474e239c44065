import { shell } from 'electron'
import { Forbidden } from '../base/errors'
import { normalizeExternalUrl } from '../config/urls'

/**
 * The app's only call to shell.openExternal. The URL is checked here, at the call, whoever asked (a link in
 * the window, the app:openExternal channel): https, no credentials, and under EXTERNAL_URL_ALLOWLIST.
 */
export async function openInBrowser(url: string): Promise<void> {
  const allowed = normalizeExternalUrl(url)
  if (!allowed) throw new Forbidden('This link cannot be opened from FlowKeys.')
  // Reviewed: `allowed` is the normalized, allowlisted https URL from the line above.
  await shell.openExternal(allowed) // eng-disable OPEN_EXTERNAL_JS_CHECK
}
