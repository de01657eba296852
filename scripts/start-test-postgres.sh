#!/usr/bin/env bash
# Starts the distribution's PostgreSQL cluster for the server-mode test run and prints the URL
# the tests use (TEST_DATABASE_URL). Idempotent.
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters -h | grep -q "^${version} main"; then
  pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
for _ in $(seq 1 50); do
  if pg_isready -q -h 127.0.0.1 -p 5432; then break; fi
  sleep 0.2
done
runuser -u postgres -- psql -q -c "ALTER USER postgres PASSWORD 'postgres';" >/dev/null
echo "postgres://postgres:postgres@127.0.0.1:5432/postgres"
