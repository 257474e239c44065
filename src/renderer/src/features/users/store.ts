import { create } from 'zustand'
import type { RequestOf, UserView } from '@shared/ipc'
import { api, call, messageOf } from '@renderer/lib/ipc'

interface UsersState {
  users: UserView[]
  loaded: boolean
  error: string | null
  load(): Promise<void>
  add(input: RequestOf<'users:add'>): Promise<UserView>
  setActive(id: string, is_active: boolean): Promise<void>
  setSuperuser(id: string, is_superuser: boolean): Promise<void>
  update(input: RequestOf<'users:update'>): Promise<UserView>
  /** Sets another user's password (a superuser's reset); the password is not kept here. */
  setPassword(id: string, password: string): Promise<void>
  remove(id: string): Promise<void>
}

export const useUsers = create<UsersState>()((set, get) => {
  const replace = (user: UserView): void =>
    set({ users: get().users.map((u) => (u.id === user.id ? user : u)) })
  return {
    users: [],
    loaded: false,
    error: null,
    async load() {
      try {
        const { users } = await call(api().users.list())
        set({ users, loaded: true, error: null })
      } catch (error) {
        set({ error: messageOf(error), loaded: true })
      }
    },
    async add(input) {
      const user = await call(api().users.add(input))
      set({ users: [...get().users, user] })
      return user
    },
    async setActive(id, is_active) {
      replace(await call(api().users.setActive({ id, is_active })))
    },
    async setSuperuser(id, is_superuser) {
      replace(await call(api().users.setSuperuser({ id, is_superuser })))
    },
    async update(input) {
      const user = await call(api().users.update(input))
      replace(user)
      return user
    },
    async setPassword(id, password) {
      replace(await call(api().users.setPassword({ id, password })))
    },
    async remove(id) {
      await call(api().users.delete({ id }))
      set({ users: get().users.filter((u) => u.id !== id) })
    }
  }
})
