#!/usr/bin/env bash
# Install (Debian's postgresql package), start PostgreSQL, create a test role and database, and
# print its URL on stdout (everything else goes to stderr). Idempotent: safe to run twice.
#
#   export KIOSK_TEST_POSTGRES_URL="$(bash .ci/postgres.sh)"
set -euo pipefail

USER_NAME="${KIOSK_PG_USER:-kiosk_test}"
PASSWORD="${KIOSK_PG_PASSWORD:-kiosk_test}"
DB_NAME="${KIOSK_PG_DB:-kiosk_test}"
PORT="${KIOSK_PG_PORT:-5432}"

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    echo "Installing PostgreSQL..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

VERSION="$(ls /etc/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main"' | grep -q .; then
    pg_createcluster "$VERSION" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
    pg_ctlcluster "$VERSION" main start >&2
fi

for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$PORT" && break
    sleep 1
done
pg_isready -h 127.0.0.1 -p "$PORT" >&2

su postgres -c "psql -q -v ON_ERROR_STOP=1 -p $PORT" >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$USER_NAME') THEN
    CREATE ROLE $USER_NAME LOGIN PASSWORD '$PASSWORD';
  END IF;
END \$\$;
SQL
if ! su postgres -c "psql -tA -p $PORT -c \"SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'\"" | grep -q 1; then
    su postgres -c "createdb -p $PORT -O $USER_NAME $DB_NAME" >&2
fi

echo "postgresql://$USER_NAME:$PASSWORD@127.0.0.1:$PORT/$DB_NAME"
