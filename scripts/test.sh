#!/usr/bin/env bash
# Every check FlowKeys has, in a private D-Bus session with a fresh, unlocked gnome-keyring, so the vault is
# tested against the real OS keychain. Ends with one line "N passed, N failed" summed over all runners.
set -u
cd "$(dirname "$0")/.."

if [ -z "${FLOWKEYS_TEST_SESSION:-}" ]; then
  for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "$tool is missing: install the test packages (sudo apt-get install dbus gnome-keyring libsecret-1-dev chromium)" >&2
      echo "0 passed, 1 failed"
      exit 1
    fi
  done
  export FLOWKEYS_TEST_SESSION=1
  exec dbus-run-session -- bash "$0" "$@"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A keyring and a config folder of this run's own: the tests never touch the user's keychain or FlowKeys data.
export XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
eval "$(printf 'flowkeys-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL

# The tools are called directly rather than through npm/npx, whose warnings would land after the summary line.
bin=node_modules/.bin
passed=0
failed=0
failures=()

step() {
  local name=$1
  shift
  echo "::: $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

step typecheck bash -c "$bin/tsc --noEmit -p tsconfig.node.json && $bin/tsc --noEmit -p tsconfig.web.json"
step lint bash -c "$bin/eslint --max-warnings 0 . && $bin/prettier --check --log-level warn ."
step build bash scripts/build.sh --logLevel warn

echo "::: vitest"
# With a temp folder of this run's own (TMPDIR, which every process the tests start inherits), checked below. jiti,
# electron-builder's config loader in the packaging tests, is told not to keep its cache folder there.
tests_tmp="$work/tmp"
mkdir -p "$tests_tmp"
TMPDIR="$tests_tmp" JITI_FS_CACHE=false "$bin/vitest" run --reporter=default --reporter=json \
  --outputFile.json="$work/vitest.json"
vitest_rc=$?
if [ -s "$work/vitest.json" ]; then
  read -r vp vf < <(node -e '
    const r = require(process.argv[1])
    console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites || 0) + r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length)
  ' "$work/vitest.json")
  passed=$((passed + vp))
  failed=$((failed + vf))
  if [ "$vitest_rc" -ne 0 ] && [ "$vf" -eq 0 ]; then failed=$((failed + 1)); fi
else
  failed=$((failed + 1))
fi
[ "$vitest_rc" -eq 0 ] || failures+=("vitest")

# Whatever vitest leaves in that folder fails the run, whoever made it: the tests (test/helpers/tmp.ts removes its
# folders when the file ends), the CLIs and servers they spawn (one killed with SIGKILL cleans nothing: the test
# that made its folder must), Chromium and Playwright (their profiles, sockets and artifacts go when the browser is
# closed), vitest itself. No exceptions: none of them leaves anything after a clean run.
no_leftovers() {
  local left
  left=$(ls -A "$tests_tmp")
  [ -z "$left" ] && return 0
  echo "vitest left $(wc -l <<<"$left") entries in its temp folder (TMPDIR), which the tests must remove:"
  sed 's/^/  /' <<<"$left"
  return 1
}
step tmpdir no_leftovers

if [ -f scripts/electronegativity.mjs ]; then step electronegativity node scripts/electronegativity.mjs; fi

[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
