"""The database fails while a journal entry is saved: the user is told which failure it
was, in Swedish, and what she typed is still in the fields, ready to save again. The
failures are real: a colleague's program holding the write lock, a database that may not
grow (as a full disk), a database opened read-only."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import event

from app.db.database import Database
from tests.helpers import type_text

LEFT = Qt.MouseButton.LeftButton
TITLE = "Hembesök"
TEXT = "Åsa visade hyreskontraktet. " * 600  # ~17 000 characters: needs new pages


def _on_every_connection(database: Database, pragma: Callable[[sqlite3.Connection], None]) -> None:
    database.engine.dispose()
    event.listen(database.engine, "connect", lambda connection, _record: pragma(connection))


@pytest.fixture
def locked(demo_database: Database) -> Iterator[None]:
    """Another program holds the write lock; this one waits 0.1 s, not 5."""
    _on_every_connection(demo_database, lambda c: c.execute("PRAGMA busy_timeout = 100"))
    holder = sqlite3.connect(str(demo_database.engine.url.database))
    holder.execute("BEGIN IMMEDIATE")
    yield
    holder.rollback()
    holder.close()


@pytest.fixture
def disk_full(demo_database: Database) -> None:
    def no_growth(connection: sqlite3.Connection) -> None:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")

    _on_every_connection(demo_database, no_growth)


@pytest.fixture
def read_only(demo_database: Database) -> None:
    # SQLite answers a write on a query_only connection as on a read-only file
    _on_every_connection(demo_database, lambda c: c.execute("PRAGMA query_only = 1"))


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        ("locked", "databasen är upptagen"),
        ("disk_full", "disken är full"),
        ("read_only", "kan just nu bara läsas"),
    ],
)
def test_a_failed_save_says_why_and_keeps_the_text(
    request, qtbot, journal_tab, dialogs, failure: str, said: str
) -> None:
    qtbot.mouseClick(journal_tab.new_button, LEFT)
    journal_tab.title.clear()
    type_text(journal_tab.title, TITLE)
    journal_tab.text.clear()
    journal_tab.text.setPlainText(TEXT)
    type_text(journal_tab.text, " Slut.")
    typed = journal_tab.text.toPlainText()
    assert "Slut." in typed and len(typed) > 16_000
    request.getfixturevalue(failure)
    qtbot.mouseClick(journal_tab.save_button, LEFT)
    assert len(dialogs) == 1
    assert said in dialogs[0]
    assert "Det du skrivit finns kvar i fönstret." in dialogs[0]
    assert journal_tab.title.text() == TITLE
    assert journal_tab.text.toPlainText() == typed
