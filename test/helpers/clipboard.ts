import type { Clipboard } from '../../src/main/ipc/services'

/**
 * A process-local clipboard: the one platform service the tests substitute (there is no system clipboard
 * without a desktop session), so they can read what a Copy button put there.
 */
export function memoryClipboard(): Clipboard & { text: string } {
  return {
    text: '',
    readText() {
      return this.text
    },
    writeText(text: string) {
      this.text = text
    }
  }
}
