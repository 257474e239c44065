import { create } from 'zustand'
import type { RequestOf, VariableView } from '@shared/ipc'
import { api, call, messageOf } from '../lib/ipc'

interface VariablesState {
  variables: VariableView[]
  loaded: boolean
  error: string | null
  load(): Promise<void>
  create(input: RequestOf<'variables:create'>): Promise<VariableView>
  /** A new `value` replaces the stored one; leaving it out keeps it. */
  update(input: RequestOf<'variables:update'>): Promise<VariableView>
  remove(id: string): Promise<void>
}

const byName = (a: VariableView, b: VariableView): number => a.name.localeCompare(b.name)

export const useVariables = create<VariablesState>()((set, get) => ({
  variables: [],
  loaded: false,
  error: null,
  async load() {
    try {
      const variables = await call(api().variables.list())
      set({ variables: variables.sort(byName), loaded: true, error: null })
    } catch (error) {
      set({ error: messageOf(error), loaded: true })
    }
  },
  async create(input) {
    const created = await call(api().variables.create(input))
    set({ variables: [...get().variables, created].sort(byName) })
    return created
  },
  async update(input) {
    const updated = await call(api().variables.update(input))
    set({
      variables: get()
        .variables.map((v) => (v.id === updated.id ? updated : v))
        .sort(byName)
    })
    return updated
  },
  async remove(id) {
    await call(api().variables.delete({ id }))
    set({ variables: get().variables.filter((v) => v.id !== id) })
  }
}))
