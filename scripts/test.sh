#!/usr/bin/env bash
# `npm test`: the whole suite. Type check and lint, unit and integration tests (Vitest; the data
# layer on SQLite and, when a server can be had, PostgreSQL), then a production build and the
# end-to-end tests in Debian's Chromium (Playwright), once on SQLite and, when a server can be
# had, once more on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

bash scripts/install.sh

# Chromium for the end-to-end tests: Debian's package (Playwright cannot download browsers here).
if [ -z "${QORGAU_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "› installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing. Install it with 'sudo apt-get install chromium' (or point QORGAU_CHROMIUM at a Chromium binary) and run npm test again." >&2
    exit 1
  fi
fi

# The PostgreSQL lane: a server named by QORGAU_TEST_POSTGRES_URL, or the local Debian cluster.
if [ -z "${QORGAU_TEST_POSTGRES_URL:-}" ]; then
  if url=$(bash scripts/start-postgres.sh); then
    export QORGAU_TEST_POSTGRES_URL="$url"
  elif [ "${QORGAU_REQUIRE_POSTGRES:-0}" = 1 ]; then
    echo "QORGAU_REQUIRE_POSTGRES=1 but no PostgreSQL server could be started." >&2
    exit 1
  else
    echo "› PostgreSQL lane skipped: no server (see above). The SQLite lane still runs."
  fi
fi

echo "› type check"
npx tsc --noEmit -p .
echo "› lint"
npx eslint --max-warnings=0 .
echo "› unit and integration tests"
npx vitest run
echo "› production build"
npm run build > var/test-build.log 2>&1 || { cat var/test-build.log; exit 1; }
echo "› end-to-end tests in Chromium, on SQLite"
npx playwright test
# The same suite again with the app's database on PostgreSQL (a database of its own on the server,
# migrated and seeded as the SQLite one is; see scripts/e2e-server.ts).
if [ -n "${QORGAU_TEST_POSTGRES_URL:-}" ]; then
  echo "› end-to-end tests in Chromium, on PostgreSQL"
  QORGAU_E2E_DATABASE=postgresql npx playwright test
else
  echo "› end-to-end tests on PostgreSQL skipped: no server"
fi
