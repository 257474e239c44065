import { create } from 'zustand'
import type { Whoami } from '@shared/ipc'
import { api, call, messageOf } from '@renderer/lib/ipc'

export const PAGES = ['keys', 'variables', 'import', 'server', 'vault', 'users'] as const
export type Page = (typeof PAGES)[number]

export interface Toast {
  id: number
  message: string
  tone: 'success' | 'error' | 'info'
}

interface UiState {
  page: Page
  me: Whoami | null
  meError: string | null
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
  meError: null,
  toasts: [],
  go: (page) => set({ page }),
  async loadMe() {
    try {
      set({ me: await call(api().app.whoami()), meError: null })
    } catch (error) {
      set({ meError: messageOf(error) })
    }
  },
  toast(message, tone = 'success') {
    const id = nextToast++
    set({ toasts: [...get().toasts.slice(-3), { id, message, tone }] })
    setTimeout(() => get().dismiss(id), TOAST_MS)
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) })
}))
