#!/usr/bin/env bash
# The built .deb, installed as IT installs it (as root; CI runs this after installer/build.py
# --package): the installed program's selftest, a database upgrade by the installed program
# with a backup first, and the package removed and installed again with the user's data kept.
set -euo pipefail
cd "$(dirname "$0")/.."

deb=$(ls build/dist/arendestod_*.deb)
export DEBIAN_FRONTEND=noninteractive QT_QPA_PLATFORM=offscreen
apt-get update -qq
apt-get install -y -qq --no-install-recommends desktop-file-utils >/dev/null
apt-get install -y -qq "./$deb" >/dev/null
echo "== installerat: $(arendestod --version) i $(readlink -f /usr/bin/arendestod)"
desktop-file-validate /usr/share/applications/arendestod.desktop
test -f /usr/share/icons/hicolor/scalable/apps/arendestod.svg
test -f /usr/share/icons/hicolor/48x48/apps/arendestod.png
arendestod selftest

# A user of the installed program, with a database of her own in her home folder.
home=$(mktemp -d)
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config"
unset ARENDESTOD_DB
data="$XDG_DATA_HOME/arendestod"
# No keyring here (as on a server without a desktop): the local database is encrypted with
# a passphrase, given on the first line of standard input.
passphrase="en lösenfras för paketprovet"
program() { arendestod --db-passphrase-stdin "$@" <<<"$passphrase"; }
program demo --households 5 --no-letters >/dev/null
db="$data/arendestod.sqlite3"
households() { uv run --no-sync python -c "
import sys, sqlcipher3
connection = sqlcipher3.connect(sys.argv[1])
connection.execute('PRAGMA key = ' + repr(sys.argv[2]))
print(connection.execute('select count(*) from households').fetchone()[0])" "$1" "$passphrase"; }
test "$(households "$db")" = 5
# encrypted: without the key the file is not even a database
! python3 -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('select 1 from sqlite_master')" "$db" 2>/dev/null

# The schema this version brings, and the one before it (from the source tree's migrations).
head=$(uv run --no-sync python -c "from app.db import migrate; print(migrate.HEAD_REVISION)")
previous=$(uv run --no-sync python -c "
from alembic.script import ScriptDirectory
from app.db import migrate
scripts = ScriptDirectory.from_config(migrate.alembic_config('sqlite://'))
print(scripts.get_revision(migrate.HEAD_REVISION).down_revision)
")

# As if she had used the previous version: the schema one migration back (with the source
# tree's Alembic), then the installed program upgrades it, backing the file up first.
uv run --no-sync python -c "
import sys
from pathlib import Path
from alembic import command
from app.db import migrate
from app.db.encrypted_file import FileKey, make_encrypted_engine
config = migrate.alembic_config('sqlite:///' + sys.argv[1])
engine = make_encrypted_engine(Path(sys.argv[1]), FileKey.from_passphrase(sys.argv[2]))
with engine.begin() as connection:
    config.attributes['connection'] = connection
    command.downgrade(config, '-1')
" "$db" "$passphrase"
program db status | grep -q "Schemaversion: $previous"
upgraded=$(program db upgrade)
echo "$upgraded"
grep -q "Säkerhetskopia före uppgraderingen: $data/arendestod.backup-" <<<"$upgraded"
program db status | grep -q "Schemaversion: $head"
test "$(households "$db")" = 5

# Removing the package takes the program, never her data; installing again finds it.
apt-get remove -y -qq arendestod >/dev/null
test ! -e /opt/arendestod && test ! -e /usr/bin/arendestod
test "$(households "$db")" = 5
ls "$data"/arendestod.backup-*.sqlite3 >/dev/null
for backup in "$data"/arendestod.backup-*.sqlite3; do  # the backup is encrypted too
    ! python3 -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('select 1 from sqlite_master')" "$backup" 2>/dev/null
    test "$(stat -c %a "$backup")" = 600
done
apt-get install -y -qq "./$deb" >/dev/null
program db status | grep -q "Schemaversion: $head"
test "$(households "$db")" = 5
apt-get remove -y -qq arendestod >/dev/null
rm -rf "$home"
echo "== paketet: självtest, uppgradering med säkerhetskopia, avinstallation som behåller data: OK"
