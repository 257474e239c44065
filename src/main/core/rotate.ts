import { rotationJournal } from '../vault/rotation-journal'
import type { RotationSummary } from '../vault/vault'
import type { Core } from './open'

/**
 * Rotates the vault key as both faces do (`flowkeys rotate-key`, the app's Vault page): upstream.json sealed under
 * both keys in between, the two keychain items noted in the data folder until the old one is gone.
 */
export function rotateVaultKey(core: Core, master?: Buffer): Promise<RotationSummary> {
  const upstream = core.upstream.rotation()
  return core.vault.rotate({
    master,
    beforeCommit: upstream.prepare,
    afterCommit: upstream.finish,
    journal: rotationJournal(core.dataDir)
  })
}
