#!/usr/bin/env bash
# The build, defined once (npm run build, the test command, the renderer tests): the Electron app (main, preload,
# renderer) with electron-vite into out/, then the CLI bundle into out/cli (scripts/build-cli.ts). Arguments go
# to electron-vite (e.g. --logLevel warn).
set -euo pipefail
cd "$(dirname "$0")/.."
node_modules/.bin/electron-vite build "$@"
node_modules/.bin/tsx scripts/build-cli.ts
