import { create } from 'zustand'
import type { ResponseOf, VaultBackupResult, VaultStatus } from '@shared/ipc'
import { api, call, messageOf } from '@renderer/lib/ipc'

interface VaultState {
  status: VaultStatus | null
  error: string | null
  /** The first-start offer was decided in this run (it is made at most once per run). */
  offered: boolean
  /** The first-start offer of a recovery key is open. */
  offering: boolean
  load(): Promise<void>
  /** Once per run: reads the status and offers a recovery key when the store has none. */
  offerAtStart(): Promise<void>
  dismissOffer(): void
  /** Makes a new recovery key (the previous one stops working). Its text is returned, never kept here. */
  makeRecoveryKey(): Promise<string>
  /** Asks main's save dialog where, then writes the backup; throws (for the dialog) when refused. */
  backup(passphrase: string): Promise<VaultBackupResult>
  rotate(): Promise<ResponseOf<'vault:rotate'>>
}

export const useVault = create<VaultState>()((set, get) => ({
  status: null,
  error: null,
  offered: false,
  offering: false,
  async load() {
    try {
      set({ status: await call(api().vault.status()), error: null })
    } catch (error) {
      set({ error: messageOf(error) })
    }
  },
  async offerAtStart() {
    if (get().offered) return
    set({ offered: true })
    await get().load()
    if (get().status?.has_recovery_key === false) set({ offering: true })
  },
  dismissOffer: () => set({ offering: false }),
  async makeRecoveryKey() {
    const { recovery_key } = await call(api().vault['recovery-key']())
    const status = get().status
    set({ status: status ? { ...status, has_recovery_key: true } : status })
    return recovery_key
  },
  backup: (passphrase) => call(api().vault.backup({ passphrase })),
  rotate: () => call(api().vault.rotate())
}))
