#!/usr/bin/env bash
# `npm run demo`: everything a newcomer needs, from a fresh clone to the app on
# http://localhost:3000 with the demo organisation (SQLite and local disk, no other service).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

bash scripts/install.sh
echo "› preparing .env (fresh secrets on the first run)"
npx tsx scripts/setup-env.ts
echo "› preparing the database and the demo organisation"
npx tsx scripts/demo-seed.ts
echo "› building the app"
npm run build > var/build.log 2>&1 || { cat var/build.log; exit 1; }
echo "› starting Qorgau on http://localhost:${PORT:-3000} (Ctrl+C to stop)"
exec node .next/qorgau-server.mjs -p "${PORT:-3000}"
