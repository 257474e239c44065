import { randomUUID } from 'node:crypto'
import type { UserRecord } from '../store/schema'

/** A new user's stored record: no profile image, no store key, never logged in, its first token generation. */
export function newUserRecord(
  fields: Pick<UserRecord, 'username' | 'password_hash' | 'is_active' | 'is_superuser'> & { id?: string },
  now: string = new Date().toISOString()
): UserRecord {
  return {
    id: fields.id ?? randomUUID(),
    username: fields.username,
    password_hash: fields.password_hash,
    is_active: fields.is_active,
    is_superuser: fields.is_superuser,
    profile_image: null,
    store_api_key: null,
    create_at: now,
    updated_at: now,
    last_login_at: null,
    token_generation: 0
  }
}
