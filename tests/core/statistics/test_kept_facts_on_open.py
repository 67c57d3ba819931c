"""A workstation has no IT to run `arendestod stats rebuild`: a local database whose kept
facts are missing (a file from before migration 0028) or of an older definition gets them
built when the program opens it, with the upgrade (app.storage.open_database)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, func, select

from app import storage
from app.demo import demo_data
from app.models import StatisticsFactState, StatisticsMonthFact
from app.statistics import facts


def test_a_local_file_without_kept_facts_gets_them_when_opened(
    tmp_path: Path, memory_keyring
) -> None:
    url = f"sqlite:///{tmp_path / 'arendestod.sqlite3'}"
    database = storage.start_new_database(url)
    with database.sessions.begin() as session:
        demo_data.generate(session, 4, seed=3)
    with database.sessions.begin() as session:
        kept = session.scalar(select(func.count()).select_from(StatisticsMonthFact))
        assert kept, "the demo data has facts to lose"
        session.execute(delete(StatisticsMonthFact))
        session.execute(delete(StatisticsFactState))  # as a file from before 0028
    database.dispose()

    database = storage.open_database(url)
    try:
        with database.sessions() as session:
            facts.require_built(session)
            again = session.scalar(select(func.count()).select_from(StatisticsMonthFact))
    finally:
        database.dispose()
    assert again == kept
