// Playwright's globalSetup for the renderer suite: the built renderer must be there before any file runs.
import { ensureBuilt } from './harness'

export default function globalSetup(): void {
  ensureBuilt()
}
