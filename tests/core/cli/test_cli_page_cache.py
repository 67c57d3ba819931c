"""A statistics command reads its pages about once and ends: it opens the local encrypted
file with a small page cache, where the window keeps its large one for the next opening
(app.db.encrypted_file, issue 21: `stats --json` at 100 000 households 420 → 252 MB)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.cli import cli_login, main
from app.db.encrypted_file import PAGE_CACHE_KIB, READ_ONCE_PAGE_CACHE_KIB
from app.security.local_key import open_for_user


def _cache_kib(database) -> int:
    with database.engine.connect() as connection:
        return -connection.execute(text("PRAGMA cache_size")).scalar_one()


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_stats_command_opens_the_file_with_the_small_cache(
    db, staff, cli_as, monkeypatch, capsys
) -> None:
    seen: list[int] = []
    open_as_user = cli_login.open_as_user

    def watching(args, **kwargs):
        logged_in = open_as_user(args, **kwargs)
        seen.append(_cache_kib(logged_in.database))
        return logged_in

    monkeypatch.setattr(cli_login, "open_as_user", watching)
    chef = cli_as("eva.lind")
    assert main([*chef.before, "stats", "--year", "2026", "--json", *chef.after]) == 0, (
        capsys.readouterr().err
    )
    assert '"support_households"' in capsys.readouterr().out
    assert seen == [READ_ONCE_PAGE_CACHE_KIB]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_window_keeps_the_large_cache(db) -> None:
    window = open_for_user(db.url)  # as app.storage opens the window's database
    try:
        assert _cache_kib(window) == PAGE_CACHE_KIB > READ_ONCE_PAGE_CACHE_KIB
    finally:
        window.dispose()
