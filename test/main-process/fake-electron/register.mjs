// `node --import <this file> out/main/index.js`: every import of `electron` in that process (the app's, and
// electron-store's) resolves to the fake module whose file URL is in FAKE_ELECTRON_URL (./electron.ts, bundled).
import { register } from 'node:module'

const fake = process.env.FAKE_ELECTRON_URL
if (!fake) throw new Error('FAKE_ELECTRON_URL is not set: start this process through the fake driver')
register('./resolve-hook.mjs', import.meta.url, { data: { fake } })
