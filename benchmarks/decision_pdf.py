"""Decision letter PDF: gather the letter's data and render it, for signed demo decisions.

Target (issue 4): < 300 ms median per letter on this machine. The size of the database does
not matter much here (one decision is read by key), so a small generated database is used
unless one is given.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from app.db.database import open_database
from app.models import Decision, User
from app.printing.decision_letter import render_decision_letter
from app.services import decisions, demo_data
from app.services.actor import Actor


def measure(repeat: int = 50, warmup: int = 5, url: str | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(url or f"sqlite:///{Path(folder) / 'letters.sqlite3'}")
        if url is None:
            with database.sessions.begin() as session:
                demo_data.generate(session, 40, seed=9)
        with database.sessions() as session:
            rows = session.execute(
                select(Decision.id, Decision.decided_by)
                .where(Decision.decided_on.is_not(None))
                .limit(repeat + warmup)
            ).all()
            actors = {uid: Actor.of(session.get(User, uid)) for _, uid in rows}
        timings = []
        for index, (decision_id, decider) in enumerate(rows):
            started = time.perf_counter()
            with database.sessions.begin() as session:
                letter = decisions.letter_preview(session, actors[decider], decision_id)
            pdf = render_decision_letter(letter)
            elapsed = (time.perf_counter() - started) * 1000
            assert pdf.startswith(b"%PDF")
            if index >= warmup:
                timings.append(elapsed)
        database.dispose()
    timings.sort()
    return {
        "n": len(timings),
        "median": statistics.median(timings),
        "p95": timings[int(0.95 * (len(timings) - 1))],
        "max": timings[-1],
    }


if __name__ == "__main__":
    result = measure()
    print(
        f"decision letter PDF: n={result['n']} median {result['median']:.1f} ms, "
        f"p95 {result['p95']:.1f} ms, max {result['max']:.1f} ms (target < 300 ms)"
    )
