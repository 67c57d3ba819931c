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
arendestod demo --households 5 --no-letters >/dev/null 2>&1
db="$data/arendestod.sqlite3"
households() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from households').fetchone()[0])" "$1"; }
test "$(households "$db")" = 5

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
from alembic import command
from app.db import migrate
from app.db.engine import make_engine
url = 'sqlite:///' + sys.argv[1]
config = migrate.alembic_config(url)
with make_engine(url).begin() as connection:
    config.attributes['connection'] = connection
    command.downgrade(config, '-1')
" "$db"
arendestod db status | grep -q "Schemaversion: $previous"
upgraded=$(arendestod db upgrade)
echo "$upgraded"
grep -q "Säkerhetskopia före uppgraderingen: $data/arendestod.backup-" <<<"$upgraded"
arendestod db status | grep -q "Schemaversion: $head"
test "$(households "$db")" = 5

# Removing the package takes the program, never her data; installing again finds it.
apt-get remove -y -qq arendestod >/dev/null
test ! -e /opt/arendestod && test ! -e /usr/bin/arendestod
test "$(households "$db")" = 5
ls "$data"/arendestod.backup-*.sqlite3 >/dev/null
apt-get install -y -qq "./$deb" >/dev/null
arendestod db status | grep -q "Schemaversion: $head"
test "$(households "$db")" = 5
apt-get remove -y -qq arendestod >/dev/null
rm -rf "$home"
echo "== paketet: självtest, uppgradering med säkerhetskopia, avinstallation som behåller data: OK"
