// The .env import: the file's text stays in this store only between preview and apply (the user chose it;
// main never sends a value back), and is dropped once the import is applied or reset.
import { create } from 'zustand'
import { ENV_TEXT_MAX, type EnvEntryView, type EnvImportSummary, type VariableType } from '@shared/ipc'
import { api, call, messageOf } from '../lib/ipc'

export type EnvChoice = 'overwrite' | 'skip'

interface ImportState {
  fileName: string | null
  text: string | null
  type: VariableType
  entries: EnvEntryView[] | null
  choices: Record<string, EnvChoice>
  summary: EnvImportSummary | null
  busy: boolean
  error: string | null
  readFile(file: File): Promise<void>
  setType(type: VariableType): Promise<void>
  choose(name: string, choice: EnvChoice): void
  chooseAll(choice: EnvChoice): void
  apply(): Promise<void>
  reset(): void
}

const EMPTY = {
  fileName: null,
  text: null,
  entries: null,
  choices: {},
  summary: null,
  busy: false,
  error: null
}

export const useEnvImport = create<ImportState>()((set, get) => {
  const preview = async (): Promise<void> => {
    const { text, type } = get()
    if (text === null) return
    set({ busy: true, error: null })
    try {
      const { entries } = await call(api().envImport.preview({ text, type }))
      // Conflicts default to keeping the stored value: nothing is overwritten unless the user says so.
      const choices: Record<string, EnvChoice> = {}
      for (const entry of entries) if (entry.status === 'changed') choices[entry.name] = 'skip'
      set({ entries, choices })
    } catch (error) {
      set({ error: messageOf(error), entries: null })
    } finally {
      set({ busy: false })
    }
  }

  return {
    ...EMPTY,
    type: 'Credential',
    async readFile(file) {
      if (file.size > ENV_TEXT_MAX) {
        set({ ...EMPTY, error: `${file.name} is larger than 1 MB; a .env file is usually a few lines.` })
        return
      }
      const text = await file.text()
      set({ ...EMPTY, fileName: file.name, text })
      await preview()
    },
    async setType(type) {
      set({ type })
      await preview()
    },
    choose: (name, choice) => set({ choices: { ...get().choices, [name]: choice } }),
    chooseAll(choice) {
      const choices: Record<string, EnvChoice> = {}
      for (const name of Object.keys(get().choices)) choices[name] = choice
      set({ choices })
    },
    async apply() {
      const { text, type, choices } = get()
      if (text === null) return
      set({ busy: true, error: null })
      try {
        const summary = await call(api().envImport.apply({ text, type, choices }))
        set({ summary, text: null, entries: null })
      } catch (error) {
        set({ error: messageOf(error) })
      } finally {
        set({ busy: false })
      }
    },
    reset: () => set({ ...EMPTY })
  }
})
