import { create } from 'zustand'
import type { Whoami } from '@shared/ipc'
import { api, call } from '@renderer/lib/ipc'

export type Page = 'keys' | 'variables' | 'import' | 'server' | 'vault' | 'users'

interface Toast {
  id: number
  message: string
  tone: 'success' | 'error' | 'info'
}

interface UiState {
  page: Page
  me: Whoami | null
  toasts: Toast[]
  go(page: Page): void
  loadMe(): Promise<void>
  toast(message: string, tone?: Toast['tone']): void
  dismiss(id: number): void
}

let nextToast = 1
const TOAST_MS = 4000

export const useUi = create<UiState>()((set, get) => ({
  page: 'keys',
  me: null,
  toasts: [],
  go: (page) => set({ page }),
  async loadMe() {
    try {
      set({ me: await call(api().app.whoami()) })
    } catch {
      // Nothing to show: the sidebar names no user and the superuser-only sections stay hidden.
    }
  },
  toast(message, tone = 'success') {
    const id = nextToast++
    set({ toasts: [...get().toasts.slice(-3), { id, message, tone }] })
    setTimeout(() => get().dismiss(id), TOAST_MS)
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) })
}))

/** Shows a toast. For event handlers: they need no subscription to the store. */
export function toast(message: string, tone?: Toast['tone']): void {
  useUi.getState().toast(message, tone)
}
