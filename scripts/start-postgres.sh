#!/usr/bin/env bash
# Starts the local PostgreSQL 15 server (Debian's cluster) for the PostgreSQL test lane and makes
# sure a test role exists that may create throw-away databases. Prints the admin URL on stdout.
# Exits 1 with a plain message on stderr when no server can be started here.
set -euo pipefail

PGVER=${QORGAU_PG_VERSION:-15}
ROLE=qorgau_test
PASS=qorgau_test_only_local
PORT=${QORGAU_PG_PORT:-5432}

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d "/etc/postgresql/$PGVER/main" ]; then
  echo "PostgreSQL $PGVER is not installed (apt-get install postgresql-$PGVER)." >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "Starting the PostgreSQL cluster needs root here; set QORGAU_TEST_POSTGRES_URL to a server you run yourself." >&2
  exit 1
fi
if ! pg_ctlcluster "$PGVER" main status >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$PGVER" main start >&2
fi
for _ in $(seq 1 50); do
  su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
  sleep 0.2
done
su postgres -c "psql -v ON_ERROR_STOP=1 -qtA" >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASS';
  END IF;
END \$\$;
-- DROP DATABASE ... WITH (FORCE) must end every connection to a throw-away database, including
-- one still signing in (no role yet), which only pg_signal_backend members may end.
GRANT pg_signal_backend TO $ROLE;
SQL
if ! su postgres -c "psql -qtAc \"select 1 from pg_database where datname = '$ROLE'\"" | grep -q 1; then
  su postgres -c "createdb -O $ROLE $ROLE"
fi
echo "postgresql://$ROLE:$PASS@127.0.0.1:$PORT/$ROLE"
