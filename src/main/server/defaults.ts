/** Where the key server listens unless told otherwise (kept apart so the CLI can show it without loading Fastify). */
export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_PORT = 7861
