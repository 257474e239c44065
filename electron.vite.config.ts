import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'

const root = import.meta.dirname
const fromRoot = (path: string): string => resolve(root, path)
const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }

const sharedAlias = { '@shared': fromRoot('src/shared') }

/**
 * Dev server only: @vitejs/plugin-react injects an inline `<script type="module">` (the React Refresh
 * preamble). Vite currently puts it ahead of the CSP meta, which a meta policy does not govern, but should it
 * land after the meta, `script-src 'self'` would block it and break dev; so allow exactly those inline scripts
 * by hash. The production build (served from file://) keeps the policy from index.html untouched.
 */
function devCspInlineScriptHashes(): Plugin {
  return {
    name: 'flowkeys:dev-csp-inline-script-hashes',
    apply: 'serve',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const hashes = new Set<string>()
        for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
          const [, attrs = '', body = ''] = match
          if (/\bsrc\s*=/i.test(attrs) || body.trim() === '') continue
          hashes.add(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`)
        }
        if (hashes.size === 0) return html
        const extra = [...hashes].join(' ')
        return html.replace(
          /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")/i,
          (_all, start: string, policy: string, end: string) =>
            start +
            policy
              .split(';')
              .map((directive) =>
                directive.trim().startsWith('script-src ') ? `${directive.trimEnd()} ${extra}` : directive
              )
              .join(';') +
            end
        )
      }
    }
  }
}

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
    plugins: [react(), devCspInlineScriptHashes()],
    build: {
      rolldownOptions: { input: { index: fromRoot('src/renderer/index.html') } }
    }
  }
})
