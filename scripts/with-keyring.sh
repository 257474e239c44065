#!/bin/bash
# Runs one command inside a private D-Bus session with a fresh, unlocked gnome-keyring (for running a few
# suites by hand: scripts/with-keyring.sh npx vitest run test/vault, or the renderer's end-to-end suite:
# scripts/with-keyring.sh npx playwright test test/renderer/users.test.ts). The keyring folder is removed afterwards.
if [ -z "$KR_IN" ]; then export KR_IN=1; exec dbus-run-session -- bash "$0" "$@" 2> >(grep -v 'fd limit' >&2); fi
XDG_DATA_HOME=$(mktemp -d)
export XDG_DATA_HOME
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
eval "$(printf 'flowkeys-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
"$@"
