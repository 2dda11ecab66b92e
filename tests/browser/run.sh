#!/bin/sh
# Runs the panel's browser tests: installs playwright-core (pinned in
# package-lock.json) when missing, then node's test runner.
#   tests/browser/run.sh path/to/web_harness
set -eu
here=$(cd "$(dirname "$0")" && pwd)
harness=${1:?usage: run.sh path/to/web_harness}
cd "$here"
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund
fi
CALLBOARD_WEB_HARNESS=$harness exec node --test --test-concurrency=1 board_state.test.mjs i18n.test.mjs panel.test.mjs
