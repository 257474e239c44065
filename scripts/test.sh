#!/usr/bin/env bash
# Every check FlowKeys has, in a private D-Bus session with a fresh, unlocked gnome-keyring, so the vault is
# tested against the real OS keychain: vitest's suites, and the renderer's end-to-end suite in Playwright's runner
# (playwright.config.ts). Ends with one line "N passed, N failed" summed over all runners.
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

# Adds a runner's counts to the totals: "passed failed", as the node script $3 reads them from the runner's JSON
# report $2. One failure more for a run that exited non-zero with no failed test, or left no report to read.
add_counts() {
  local rc=$1 report=$2 script=$3 p f
  if [ -s "$report" ]; then read -r p f < <(node -e "$script" "$report"); fi
  if [ -z "${f:-}" ]; then
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
}

step typecheck bash -c "$bin/tsc --noEmit -p tsconfig.node.json && $bin/tsc --noEmit -p tsconfig.web.json"
step lint bash -c "$bin/eslint --max-warnings 0 . && $bin/prettier --check --log-level warn ."
step build bash scripts/build.sh --logLevel warn

# The tests run with a temp folder of this run's own (TMPDIR, which every process they start inherits), checked
# below.
tests_tmp="$work/tmp"
mkdir -p "$tests_tmp"

# Playwright keeps its compiled test files, its .last-run.json and its report outside that folder.
run_playwright() {
  TMPDIR="$tests_tmp" PLAYWRIGHT_TRANSFORM_CACHE_DIR="$work/playwright-cache" FLOWKEYS_E2E_OUTPUT="$work/playwright" \
    PLAYWRIGHT_JSON_OUTPUT_FILE="$work/playwright.json" exec "$bin/playwright" test
}

# In the background while vitest runs, its output printed after vitest's: one file at a time (under 3 minutes on
# its own), it ends well before vitest does (10 of vitest's 18 minutes on a 2-core machine busy with other work),
# so it adds little to the run, where after vitest it would add all of its own.
run_playwright >"$work/playwright.log" 2>&1 &
playwright_pid=$!

echo "::: vitest"
# jiti, electron-builder's config loader in the packaging tests, is told not to keep its cache folder in TMPDIR.
TMPDIR="$tests_tmp" JITI_FS_CACHE=false "$bin/vitest" run --reporter=default --reporter=json \
  --outputFile.json="$work/vitest.json"
vitest_rc=$?
add_counts "$vitest_rc" "$work/vitest.json" '
  const r = require(process.argv[1])
  console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites || 0) + r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length)
'
[ "$vitest_rc" -eq 0 ] || failures+=("vitest")

wait "$playwright_pid"
playwright_rc=$?
echo "::: playwright"
cat "$work/playwright.log"
# Passed: the tests that went as expected; failed: the others (a flaky one too: there are no retries), and each error
# outside the tests (a file that does not load, an app that does not close cleanly).
add_counts "$playwright_rc" "$work/playwright.json" '
  const { stats, errors } = require(process.argv[1])
  console.log(stats.expected, stats.unexpected + stats.flaky + errors.length)
'
[ "$playwright_rc" -eq 0 ] || failures+=("playwright")

# Whatever the tests leave in that folder fails the run, whoever made it: the tests (test/helpers/tmp.ts removes its
# folders when the file ends), the CLIs and servers they spawn (one killed with SIGKILL cleans nothing: the test
# that made its folder must), Chromium and Playwright (their profiles, sockets and artifacts go when the browser is
# closed), vitest and Playwright's runner themselves. No exceptions: none of them leaves anything after a clean run.
no_leftovers() {
  local left
  left=$(ls -A "$tests_tmp")
  [ -z "$left" ] && return 0
  echo "the tests left $(wc -l <<<"$left") entries in their temp folder (TMPDIR), which they must remove:"
  sed 's/^/  /' <<<"$left"
  return 1
}
step tmpdir no_leftovers

if [ -f scripts/electronegativity.mjs ]; then step electronegativity node scripts/electronegativity.mjs; fi

[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
