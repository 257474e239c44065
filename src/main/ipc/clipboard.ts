import { CLIPBOARD_CLEAR_SECONDS } from '../../shared/ipc'
import type { Clipboard } from './services'

/**
 * Copies `text`; a secret is cleared `clearSeconds` later (the user's setting, CLIPBOARD_CLEAR_SECONDS by
 * default; 0: never), but only if the clipboard still holds it (the user may have copied something else
 * meanwhile). Returns the delay in seconds, or null when nothing will clear it.
 */
export async function copyToClipboard(
  clipboard: Clipboard,
  text: string,
  secret: boolean,
  clearSeconds: number = CLIPBOARD_CLEAR_SECONDS
): Promise<number | null> {
  await clipboard.writeText(text)
  if (!secret || clearSeconds <= 0) return null
  const timer = setTimeout(() => {
    void clearIfUnchanged(clipboard, text)
  }, clearSeconds * 1000)
  // A pending clear must not keep a quitting app alive.
  timer.unref?.()
  return clearSeconds
}

async function clearIfUnchanged(clipboard: Clipboard, text: string): Promise<void> {
  try {
    if ((await clipboard.readText()) === text) await clipboard.writeText('')
  } catch {
    // The clipboard may be unavailable (the session is ending): nothing left to protect then.
  }
}
