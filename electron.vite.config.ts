import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import { devCsp } from './scripts/dev-csp'

const root = import.meta.dirname
const fromRoot = (path: string): string => resolve(root, path)
const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }

const sharedAlias = { '@shared': fromRoot('src/shared') }

export default defineConfig({
  main: {
    resolve: { alias: sharedAlias },
    build: {
      // Everything in package.json "dependencies" (incl. the native addon keytar) is loaded from node_modules.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          // Electron shell -> out/main/index.js. The CLI (bin/flowkeys.js -> out/cli/cli.js) is built after this
          // by scripts/build-cli.ts, with its dependencies bundled in: it starts once per command.
          index: fromRoot('src/main/index.ts')
        },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' }
      }
    }
  },
  preload: {
    resolve: { alias: sharedAlias },
    define: { __APP_VERSION__: JSON.stringify(pkg.version) },
    build: {
      // A sandboxed preload cannot require node_modules: bundle everything except electron.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('src/preload/index.ts') },
        // A sandboxed preload cannot be ESM (".cjs" keeps it CommonJS inside this "type": "module" package)
        // and cannot require sibling chunks, so it is emitted as one self-contained file.
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false }
      }
    }
  },
  renderer: {
    root: fromRoot('src/renderer'),
    resolve: {
      alias: { '@renderer': fromRoot('src/renderer/src'), ...sharedAlias }
    },
    // The dev server loosens the renderer's policy just enough for Vite (scripts/dev-csp.ts).
    plugins: [react(), devCsp()],
    build: {
      rolldownOptions: { input: { index: fromRoot('src/renderer/index.html') } }
    }
  }
})
