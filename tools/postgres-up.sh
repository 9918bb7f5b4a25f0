#!/usr/bin/env bash
# Bring up a local PostgreSQL for the project's PostgreSQL pass, as root, on Debian:
#   1. install Debian's `postgresql` when no server binary is present;
#   2. create a cluster when there is none, and start it;
#   3. give the `postgres` role a password for TCP logins on 127.0.0.1 (Debian's pg_hba
#      asks for scram-sha-256 there).
# Idempotent. Prints the DATABASE_URL prefix to use (append a database name).
# Overridable: PGPORT (5432), PGPASSWORD (postgres).
set -euo pipefail

# Everything but the URL goes to stderr: the caller captures stdout, and pg_ctlcluster prints
# notices there ("Removed stale pid file." once broke CI's port parsing).
exec 3>&1 1>&2

PGPORT="${PGPORT:-5432}"
PGPASSWORD="${PGPASSWORD:-postgres}"

have_server() { compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; }

if ! have_server || ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "postgres-up: installing Debian's postgresql" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
fi

VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n1)"
CLUSTER="$(pg_lsclusters -h 2>/dev/null | awk -v v="$VERSION" '$1 == v {print $2; exit}')"
if [ -z "$CLUSTER" ]; then
    CLUSTER=main
    echo "postgres-up: creating cluster $VERSION/$CLUSTER on port $PGPORT" >&2
    pg_createcluster --port "$PGPORT" "$VERSION" "$CLUSTER" >/dev/null
fi
PORT_OF_CLUSTER="$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c {print $3}')"
if [ "$PORT_OF_CLUSTER" != "$PGPORT" ]; then
    echo "postgres-up: cluster $VERSION/$CLUSTER listens on $PORT_OF_CLUSTER, not $PGPORT" >&2
    PGPORT="$PORT_OF_CLUSTER"
fi

if ! pg_isready -q -h 127.0.0.1 -p "$PGPORT"; then
    pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start 3>&-  # the server must not hold the caller's pipe
    for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 1; done
fi
pg_isready -q -h 127.0.0.1 -p "$PGPORT" || { echo "postgres-up: server did not start" >&2; exit 1; }

# Password for TCP logins; peer authentication over the socket as the postgres user sets it.
runuser -u postgres -- psql -q -p "$PGPORT" -v ON_ERROR_STOP=1 \
    -c "ALTER ROLE postgres WITH PASSWORD '${PGPASSWORD//\'/\'\'}'" >/dev/null

echo "postgres://postgres:${PGPASSWORD}@127.0.0.1:${PGPORT}/" >&3
