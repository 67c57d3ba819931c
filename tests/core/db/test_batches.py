"""Long id lists: `among` and `not_among` select the same rows as IN / NOT IN on both
databases, and send the ids as one parameter (PostgreSQL: an array; SQLite: a JSON list).
A statement built once (`built_once`) is kept and runs with each call's own values."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session

from app.db.batches import (
    among,
    among_bound,
    built_once,
    dumped_ids,
    not_among,
    plain_rows,
    raw_id,
)
from app.models import User


def _usernames(session: Session, condition) -> set[str]:
    return {name for (name,) in plain_rows(session, select(User.username).where(condition))}


def test_among_selects_the_listed_rows_and_not_among_the_others(session: Session, staff) -> None:
    everyone = {u.id: u.username for u in session.scalars(select(User))}
    chosen = [staff.caseworker.id, staff.manager.id]
    # thousands of ids that match nothing, as a unit's caseload sends them
    ids = [*chosen, *(uuid.uuid4() for _ in range(5000))]

    assert _usernames(session, among(session, User.id, ids)) == {everyone[i] for i in chosen}
    assert _usernames(session, not_among(session, User.id, ids)) == {
        name for user_id, name in everyone.items() if user_id not in chosen
    }
    assert _usernames(session, among(session, User.id, [])) == set()
    assert _usernames(session, not_among(session, User.id, [])) == set(everyone.values())


def test_the_ids_are_one_parameter(session: Session, staff) -> None:
    sent: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        sent.append((statement, parameters))

    engine = session.get_bind()
    ids = [staff.caseworker.id, *(uuid.uuid4() for _ in range(2000))]
    event.listen(engine, "before_cursor_execute", capture)
    try:
        plain_rows(session, select(User.username).where(among(session, User.id, ids)))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    statement, parameters = sent[-1]
    if engine.dialect.name == "postgresql":
        # the text of a uuid[] array, not cast in the statement: the parameter is typed
        # uuid[] by the comparison, so the planner sees the array's length
        assert "= ANY (" in statement
        assert "::" not in statement
        (sent_ids,) = parameters.values()
        assert sent_ids == "{" + ",".join(i.hex for i in ids) + "}"
    else:
        assert "IN (SELECT value FROM json_each(?))" in " ".join(statement.split())
        assert len(parameters) == 1
        assert json.loads(parameters[0]) == [i.hex for i in ids]


def test_among_bound_takes_the_ids_at_execution(session: Session, staff) -> None:
    key = ("test among_bound", session.get_bind().dialect.name, uuid.uuid4())
    stmt = built_once(
        key, lambda: select(User.username).where(among_bound(session, User.id, "ids"))
    )
    for chosen in ([staff.caseworker.id], [staff.manager.id, uuid.uuid4()], []):
        expected = {u.username for u in session.scalars(select(User)) if u.id in chosen}
        assert {n for (n,) in plain_rows(session, stmt, {"ids": chosen})} == expected


def test_a_statement_built_once_is_kept_and_runs_with_each_calls_values(
    session: Session, staff
) -> None:
    built: list[int] = []

    def build():
        built.append(1)
        return select(User.username).where(User.id == bindparam("user_id"))

    key = ("test", uuid.uuid4())  # not shared with another test's statement
    first = built_once(key, build)
    assert built_once(key, build) is first
    assert len(built) == 1
    for user in (staff.caseworker, staff.manager):
        assert plain_rows(session, first, {"user_id": user.id}) == [(user.username,)]


def test_dumped_ids_and_raw_ids_find_the_same_rows(session: Session, staff) -> None:
    """An id list dumped once (`dumped_ids`) serves `among` and `among_bound` alike, and
    ids read as text (`raw_id`) go back as they came and make the same UUIDs."""
    chosen = [staff.caseworker.id, staff.manager.id, uuid.uuid4()]
    expected = {u.username for u in session.scalars(select(User)) if u.id in chosen}
    dumped = dumped_ids(session, chosen)
    assert {
        n
        for (n,) in plain_rows(
            session, select(User.username).where(among(session, User.id, dumped))
        )
    } == expected
    key = ("test dumped_ids", session.get_bind().dialect.name, uuid.uuid4())
    stmt = built_once(
        key, lambda: select(User.username).where(among_bound(session, User.id, "ids"))
    )
    assert {n for (n,) in plain_rows(session, stmt, {"ids": dumped})} == expected
    raw = [
        r
        for (r,) in plain_rows(
            session, select(raw_id(session, User.id)).where(among(session, User.id, chosen))
        )
    ]
    assert all(isinstance(r, str) for r in raw)
    assert {uuid.UUID(r) for r in raw} == set(chosen) - {chosen[-1]}
    again = dumped_ids(session, raw)
    assert {
        n
        for (n,) in plain_rows(session, select(User.username).where(among(session, User.id, again)))
    } == expected
