# Sourced by .ci/run (as root, Debian): a PostgreSQL server for the tests.
# Installs the distribution's `postgresql` if missing, starts (or creates) the newest
# version's `main` cluster (with pgaudit loaded), makes a superuser test role and exports
# ARENDESTOD_TEST_PG_URL, ARENDESTOD_TEST_PG_LOG (the server's log file),
# ARENDESTOD_TEST_PG_LOCALE (the test databases get the collation of a Swedish
# municipality's server) and, when /dev/shm has room, ARENDESTOD_TEST_PG_TABLESPACE.

# sv_SE.UTF-8 must exist before the server starts (a running server does not see new locales).
PG_TEST_LOCALE=sv_SE.UTF-8
if ! locale -a 2>/dev/null | grep -ix 'sv_SE\.utf-\?8' >/dev/null; then
  if [ ! -e /usr/share/i18n/locales/sv_SE ]; then
    echo "Installing locales"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends locales
  fi
  echo "Generating locale $PG_TEST_LOCALE"
  localedef -i sv_SE -f UTF-8 "$PG_TEST_LOCALE"
fi

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  echo "Installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # the package creates the main cluster with the environment's locale: UTF-8, not SQL_ASCII
  LANG=C.UTF-8 LC_ALL=C.UTF-8 apt-get install -y -qq --no-install-recommends postgresql
fi

PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
PG_CLUSTER=main

# pgaudit: the server's own log of every read of case tables (`db init-server` turns it on
# where it is loaded, app.db.server_roles); a test reads that log
if [ ! -e "/usr/lib/postgresql/$PG_VERSION/lib/pgaudit.so" ]; then
  echo "Installing postgresql-$PG_VERSION-pgaudit"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "postgresql-$PG_VERSION-pgaudit" ||
    echo "pgaudit not installed: the server-side read log is not tested" >&2
fi
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c {found = 1} END {exit !found}'; then
  echo "Creating PostgreSQL $PG_VERSION cluster $PG_CLUSTER"
  pg_createcluster --locale C.UTF-8 "$PG_VERSION" "$PG_CLUSTER"
fi
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c && $4 == "online" {found = 1} END {exit !found}'; then
  echo "Starting PostgreSQL $PG_VERSION cluster $PG_CLUSTER"
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
fi
PG_PORT="$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c {print $3}')"
PG_LOG="$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c {print $7}')"

pg_admin() {
  (cd / && PGOPTIONS="-c client_min_messages=warning" runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres "$@")
}

# A server started before the locale was generated does not know it: restart it once.
pg_knows_locale() {
  pg_admin -c "DROP DATABASE IF EXISTS arendestod_locale_probe" &&
    pg_admin -c "CREATE DATABASE arendestod_locale_probe TEMPLATE template0 ENCODING 'UTF8' LOCALE '$PG_TEST_LOCALE'" 2>/dev/null &&
    pg_admin -c "DROP DATABASE arendestod_locale_probe"
}
pg_restart_needed=""
if ! pg_knows_locale; then
  echo "PostgreSQL $PG_VERSION cluster $PG_CLUSTER must restart to load locale $PG_TEST_LOCALE"
  pg_restart_needed=yes
fi
if [ -e "/usr/lib/postgresql/$PG_VERSION/lib/pgaudit.so" ] &&
  ! pg_admin -tAc "SHOW shared_preload_libraries" | grep -qw pgaudit; then
  echo "PostgreSQL $PG_VERSION cluster $PG_CLUSTER must restart to load pgaudit"
  pg_admin -c "ALTER SYSTEM SET shared_preload_libraries = 'pgaudit'"
  pg_restart_needed=yes
fi
if [ -n "$pg_restart_needed" ]; then
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart
fi
if [ -n "$PG_LOG" ] && [ -r "$PG_LOG" ]; then
  export ARENDESTOD_TEST_PG_LOG="$PG_LOG"
fi
if pg_knows_locale; then
  export ARENDESTOD_TEST_PG_LOCALE="$PG_TEST_LOCALE"
else
  echo "PostgreSQL does not accept locale $PG_TEST_LOCALE: test databases get the server's default" >&2
fi

# A throwaway role on a throwaway server: the password only keeps TCP logins honest
# (pg_hba asks for scram-sha-256 on localhost).
PG_TEST_ROLE=arendestod_test
PG_TEST_PASSWORD=arendestod_test
pg_admin <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_TEST_ROLE') THEN
    CREATE ROLE $PG_TEST_ROLE LOGIN SUPERUSER PASSWORD '$PG_TEST_PASSWORD';
  ELSE
    ALTER ROLE $PG_TEST_ROLE LOGIN SUPERUSER PASSWORD '$PG_TEST_PASSWORD';
  END IF;
END \$\$;
SQL
export ARENDESTOD_TEST_PG_URL="postgresql://$PG_TEST_ROLE:$PG_TEST_PASSWORD@localhost:$PG_PORT/postgres"

# Each test creates a database (~300 files): ~20 ms on tmpfs, ~0.3 s on a slow disk.
# With room on /dev/shm the test databases go to a tablespace there. After a reboot its
# directory is gone: the tablespace (and any test database left in it) is dropped and made again.
PG_TABLESPACE=arendestod_test
PG_TABLESPACE_DIR=/dev/shm/arendestod-test-pg
shm_free_kb="$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 {print $4}')"
if [ "${shm_free_kb:-0}" -ge 1048576 ]; then
  if [ -n "$(pg_admin -tAc "SELECT 1 FROM pg_tablespace WHERE spcname = '$PG_TABLESPACE'")" ] &&
    ! ls -d "$PG_TABLESPACE_DIR"/PG_* >/dev/null 2>&1; then
    for stale in $(pg_admin -tAc "SELECT d.datname FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE t.spcname = '$PG_TABLESPACE'"); do
      pg_admin -c "DROP DATABASE IF EXISTS \"$stale\" WITH (FORCE)"
    done
    pg_admin -c "DROP TABLESPACE $PG_TABLESPACE"
  fi
  mkdir -p "$PG_TABLESPACE_DIR"
  chown postgres:postgres "$PG_TABLESPACE_DIR"
  chmod 700 "$PG_TABLESPACE_DIR"
  if [ -z "$(pg_admin -tAc "SELECT 1 FROM pg_tablespace WHERE spcname = '$PG_TABLESPACE'")" ]; then
    pg_admin -c "CREATE TABLESPACE $PG_TABLESPACE OWNER $PG_TEST_ROLE LOCATION '$PG_TABLESPACE_DIR'"
  fi
  export ARENDESTOD_TEST_PG_TABLESPACE="$PG_TABLESPACE"
fi
echo "PostgreSQL $PG_VERSION on port $PG_PORT for the tests" \
  "(locale ${ARENDESTOD_TEST_PG_LOCALE:-default}, tablespace ${ARENDESTOD_TEST_PG_TABLESPACE:-default})"
