/** Shapes from the HTTP contract (Langflow's models), shared by every suite that checks them. */

export const KEY_PATTERN = /^sk-[A-Za-z0-9_-]{43}$/

/** `UserRead` (sic: `create_at`). */
export const USER_READ_FIELDS = [
  'create_at',
  'id',
  'is_active',
  'is_superuser',
  'last_login_at',
  'profile_image',
  'store_api_key',
  'updated_at',
  'username'
]

/** `ApiKeyRead`, and FlowKeys' `allowed_flows` (the flows a key may run through the gateway; null: any). */
export const API_KEY_READ_FIELDS = [
  'allowed_flows',
  'api_key',
  'created_at',
  'expires_at',
  'id',
  'is_active',
  'last_used_at',
  'name',
  'total_uses',
  'user_id'
]
