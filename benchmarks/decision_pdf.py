"""Decision letter PDF: gather the letter's data and render it, for signed decisions.

Target (issue 4): < 300 ms median per letter on this machine. One decision is read by key,
so the size of the database matters little; the letter is what the decision-maker prints
(`decisions.letter_preview`, its audit row, the commit) rendered with ReportLab.

    uv run python -m benchmarks.decision_pdf                 # the 100 000-household database
"""

from __future__ import annotations

import statistics
import sys

from sqlalchemy import select

from app.db.database import Database
from app.decisions import decisions
from app.models import Case, Decision, User
from app.printing.decision_letter import render_decision_letter
from app.security.actor import Actor
from benchmarks.measure import (
    Measurement,
    ensure_user_roles,
    part_parser,
    reported,
    run_part,
    timed,
    ui_call,
    with_database,
)

TARGET_MS = 300.0


def measure(database: Database, repeat: int = 50, warmup: int = 5) -> Measurement:
    """Letters of `repeat + warmup` signed decisions, each printed by its decision-maker
    (one who can still read the case)."""
    with database.sessions() as session:
        rows = session.execute(
            select(Decision.id, Decision.decided_by)
            .join(Case, Case.id == Decision.case_id)
            .join(User, User.id == Decision.decided_by)
            # the decision-maker still works in the case's unit (the benchmark's 2 000-case
            # unit took cases from another unit without their decision-makers)
            .where(Decision.decided_on.is_not(None), User.unit_id == Case.unit_id)
            .order_by(Decision.id)
            .limit(repeat + warmup)
        ).all()
        actors = {uid: Actor.of(session.get(User, uid)) for _, uid in rows}
    ensure_user_roles(database, list(actors.values()))

    def letter_of(decision_id):
        return lambda s, a: decisions.letter_preview(s, a, decision_id)

    reads = [ui_call(database, actors[uid], letter_of(did)) for did, uid in rows]
    calls = [(lambda read=read: render_decision_letter(read())) for read in reads]
    times, pdfs = timed(calls, warmup)
    assert all(pdf.startswith(b"%PDF") for pdf in pdfs)
    read_ms, _ = timed(reads, warmup)
    sizes = sorted(len(pdf) // 1024 for pdf in pdfs)
    # No app/raw ratio here: rendering the PDF, not reading the data, is most of the time.
    note = f"{sizes[0]}–{sizes[-1]} kB; reading the data {statistics.median(read_ms):.0f} ms"
    return reported(Measurement("decision letter PDF (read + render)", TARGET_MS, times, note))


def main(argv: list[str] | None = None) -> int:
    args = part_parser("python -m benchmarks.decision_pdf", __doc__, repeat=50).parse_args(argv)
    return run_part(args, lambda url: with_database(url, lambda db: [measure(db, args.repeat)]))


if __name__ == "__main__":
    sys.exit(main())
