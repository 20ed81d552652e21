#!/usr/bin/env bash
# Installs the npm dependencies exactly as locked (when missing or out of date) and generates the
# Prisma clients. Shared by `npm run demo` and `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var

if ! command -v node >/dev/null 2>&1; then
  echo "Node.js 20.9 or newer is required (apt-get install nodejs npm, or your platform's installer)." >&2
  exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "› installing dependencies (better-sqlite3 builds from source, about a minute)"
  # `npm install --no-save` installs the versions pinned in package-lock.json without rewriting it.
  # Not `npm ci`: the registry mirror on these machines lacks some other platforms' optional
  # binaries (e.g. @next/swc-darwin-*), so the lock cannot list them and `npm ci` refuses it.
  npm install --no-save --no-audit --no-fund --loglevel=error
fi
if [ ! -f generated/sqlite/client.ts ] || [ ! -f generated/postgres/client.ts ] || [ prisma/schema.prisma -nt generated/sqlite/client.ts ]; then
  echo "› generating the Prisma clients"
  npx tsx scripts/db/generate.ts
fi
