// The .env import: the file's text stays in this store only between preview and apply (the user chose it;
// main never sends a value back), and is dropped once the import is applied or reset.
import { create } from 'zustand'
import {
  ENV_TEXT_MAX,
  type EnvEntryView,
  type EnvImportSummary,
  type EnvSkippedLine,
  type VariableType
} from '@shared/ipc'
import { api, call, messageOf } from '@renderer/lib/ipc'

export type EnvChoice = 'overwrite' | 'skip'

/** The rows whose type the user chooses: the ones the import may write. */
export function hasTypeChoice(entry: EnvEntryView): boolean {
  return entry.status === 'new' || entry.status === 'changed'
}

interface ImportState {
  fileName: string | null
  text: string | null
  entries: EnvEntryView[] | null
  /** Lines main reported as skipped (no `=`…): numbers and reasons, never their content. */
  skippedLines: EnvSkippedLine[]
  /** The type per name of a new or conflicting row; starts as main's guess from the name. */
  types: Record<string, VariableType>
  choices: Record<string, EnvChoice>
  summary: EnvImportSummary | null
  busy: boolean
  error: string | null
  readFile(file: File): Promise<void>
  setType(name: string, type: VariableType): void
  setAllTypes(type: VariableType): void
  choose(name: string, choice: EnvChoice): void
  chooseAll(choice: EnvChoice): void
  apply(): Promise<void>
  reset(): void
}

const EMPTY = {
  fileName: null,
  text: null,
  entries: null,
  skippedLines: [],
  types: {},
  choices: {},
  summary: null,
  busy: false,
  error: null
}

export const useEnvImport = create<ImportState>()((set, get) => {
  const preview = async (): Promise<void> => {
    const { text } = get()
    if (text === null) return
    set({ busy: true, error: null })
    try {
      const { entries, skippedLines } = await call(api().envImport.preview({ text }))
      // Conflicts default to keeping the stored value: nothing is overwritten unless the user says so.
      const choices: Record<string, EnvChoice> = {}
      const types: Record<string, VariableType> = {}
      for (const entry of entries) {
        if (entry.status === 'changed') choices[entry.name] = 'skip'
        if (hasTypeChoice(entry)) types[entry.name] = entry.type
      }
      set({ entries, skippedLines, choices, types })
    } catch (error) {
      set({ error: messageOf(error), entries: null })
    } finally {
      set({ busy: false })
    }
  }

  return {
    ...EMPTY,
    async readFile(file) {
      if (file.size > ENV_TEXT_MAX) {
        set({ ...EMPTY, error: `${file.name} is larger than 1 MB; a .env file is usually a few lines.` })
        return
      }
      const text = await file.text()
      set({ ...EMPTY, fileName: file.name, text })
      await preview()
    },
    setType: (name, type) => set({ types: { ...get().types, [name]: type } }),
    setAllTypes(type) {
      const types: Record<string, VariableType> = {}
      for (const name of Object.keys(get().types)) types[name] = type
      set({ types })
    },
    choose: (name, choice) => set({ choices: { ...get().choices, [name]: choice } }),
    chooseAll(choice) {
      const choices: Record<string, EnvChoice> = {}
      for (const name of Object.keys(get().choices)) choices[name] = choice
      set({ choices })
    },
    async apply() {
      const { text, types, choices } = get()
      if (text === null) return
      set({ busy: true, error: null })
      try {
        const summary = await call(api().envImport.apply({ text, types, choices }))
        set({ summary, text: null, entries: null, skippedLines: [] })
      } catch (error) {
        set({ error: messageOf(error) })
      } finally {
        set({ busy: false })
      }
    },
    reset: () => set({ ...EMPTY })
  }
})
