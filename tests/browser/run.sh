#!/usr/bin/env bash
# CTest's entry for the browser tests (tests/browser/CMakeLists.txt):
#   run.sh <source dir> <work dir>
# Installs the pinned playwright-core with `npm ci` into the work dir (never a
# browser: Debian's chromium is used), then runs node's test runner.
# Exits 77, which CTest reports as skipped, only when Chromium is absent.
set -euo pipefail
src="$1"
work="$2"
chromium="${WIND_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "SKIP: $chromium is not installed (scripts/install-deps installs Debian's chromium)"
  exit 77
fi
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/install-deps installs it)"; exit 1; }
done
mkdir -p "$work"
cp "$src"/package.json "$src"/package-lock.json "$src"/*.mjs "$work"/
cd "$work"
# npm ci again only when the lock file changed since the last install.
if ! cmp -s package-lock.json node_modules/.wind-installed-lock 2>/dev/null; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.wind-installed-lock
fi
exec node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs
