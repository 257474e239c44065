import { CLIPBOARD_CLEAR_SECONDS } from '../../shared/ipc'
import type { Clipboard } from './services'

/**
 * Copies `text`; a secret is cleared CLIPBOARD_CLEAR_SECONDS later, but only if the clipboard still holds it
 * (the user may have copied something else meanwhile). Returns the delay in seconds, or null.
 */
export async function copyToClipboard(
  clipboard: Clipboard,
  text: string,
  secret: boolean
): Promise<number | null> {
  await clipboard.writeText(text)
  if (!secret) return null
  const timer = setTimeout(() => {
    void clearIfUnchanged(clipboard, text)
  }, CLIPBOARD_CLEAR_SECONDS * 1000)
  // A pending clear must not keep a quitting app alive.
  timer.unref?.()
  return CLIPBOARD_CLEAR_SECONDS
}

async function clearIfUnchanged(clipboard: Clipboard, text: string): Promise<void> {
  try {
    if ((await clipboard.readText()) === text) await clipboard.writeText('')
  } catch {
    // The clipboard may be unavailable (the session is ending): nothing left to protect then.
  }
}
