#!/usr/bin/env bash
# Installs what FlowKeys needs on a Debian/Ubuntu machine: the system packages (only those missing, with sudo when
# not root), then the npm dependencies exactly as locked. Used by the README's two commands and by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

# libsecret-1-dev: keytar builds against it; dbus + gnome-keyring: the OS keychain the tests use; chromium: the
# renderer tests; postgresql: the server the PostgreSQL store's tests start. python3-cryptography is optional
# (Fernet interop tests skip without it).
packages=(dbus gnome-keyring libsecret-1-dev chromium postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing system packages (${missing[*]}) and no apt-get: install them with your package manager" >&2
    exit 1
  fi
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
