"""Reading many rows: ids go to the database in IN lists of a bounded size, and plain
column rows come back without the ORM's per-row work."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from operator import attrgetter
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Dialect,
    Executable,
    Row,
    String,
    Text,
    TypeDecorator,
    UnicodeText,
    Uuid,
    any_,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    text,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.types import NullType, TypeEngine

T = TypeVar("T")
E = TypeVar("E", bound=Executable)

IN_LIST_SIZE = 5000
"""Ids per list: far below SQLite's bound-parameter limit (32 766), and large enough that a
unit's caseload of 2 000 cases is read with one statement per table (on PostgreSQL, 13
statements instead of 26 with lists of 1 000: 30–90 ms less in interleaved runs)."""


def in_batches(ids: list[T], size: int = IN_LIST_SIZE) -> Iterator[list[T]]:
    """`ids` in consecutive slices of at most `size`."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def among(
    session: Session, column: ColumnElement[Any] | QueryableAttribute[Any], values: Sequence[Any]
) -> ColumnElement[bool]:
    """`column IN values`, with the values as one parameter: on PostgreSQL an array
    (`column = ANY(%(ids)s)`), on SQLite a JSON list (`column IN (SELECT value FROM
    json_each(?))`). An IN list makes SQLAlchemy render a placeholder per value and convert
    each value separately, on every execution: for the 2 000 cases of a chef's caseload and
    its 15 statements, ~75 ms of Python on PostgreSQL (psycopg parsing the statement per
    id) and 40–70 ms on SQLite (issue 21)."""
    if not isinstance(values, DumpedIds):
        values = list(values)
    return _among(session, column, bindparam(None, values, type_=_list_type(session, column)))


def among_bound(
    session: Session, column: ColumnElement[Any] | QueryableAttribute[Any], name: str
) -> ColumnElement[bool]:
    """`among` for a statement built once (`built_once`): the values are given at
    execution as the bound parameter `name`, a sequence. The statement's key must name the
    dialect."""
    return _among(session, column, bindparam(name, type_=_list_type(session, column)))


def not_among(
    session: Session, column: ColumnElement[Any] | QueryableAttribute[Any], values: Sequence[Any]
) -> ColumnElement[bool]:
    """`column NOT IN values` (see `among`)."""
    return ~among(session, column, values)


class DumpedIds(str):
    """A list of ids already in the form `among` sends it to the database as one parameter
    (`dumped_ids`): given to several statements, it is converted once, not per statement."""


def dumped_ids(session: Session, ids: Sequence[Any]) -> DumpedIds:
    """`ids` (uuid.UUID, or the raw text `raw_id` reads) as the one parameter `among` and
    `among_bound` send for a UUID column: a JSON list of 32 hex digits on SQLite, the text
    of a uuid[] array on PostgreSQL. The chef's caseload gives its 2 000 case ids to a
    dozen statements; dumping them anew for each cost ~2 ms a statement."""
    texts = [v if isinstance(v, str) else v.hex for v in ids]
    if session.get_bind().dialect.name == "postgresql":
        return DumpedIds("{" + ",".join(texts) + "}")
    return DumpedIds(json.dumps(texts))


def raw_id(
    session: Session, column: ColumnElement[Any] | QueryableAttribute[Any]
) -> ColumnElement[str]:
    """A UUID column read as text, not as uuid.UUID: for ids that are only keys inside a
    computation (a plan's id, to find its steps). A str hashes and compares in C; a
    uuid.UUID's `__hash__` and `__eq__` are Python, and making the UUID costs too. SQLite
    stores the 32 hex digits, read as they are; PostgreSQL formats its uuid as text. Either
    form goes back to the database through `among`/`dumped_ids`, and `uuid.UUID(text)`
    makes the id again."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(column, Text)
    return type_coerce(column, String)


def raw_id_of(session: Session) -> Callable[[Any], str]:
    """The text `raw_id` reads for a uuid.UUID on this database (32 hex digits on SQLite,
    the 36-character form on PostgreSQL): to key the UUIDs a computation was given by the
    text its rows bring back (`{raw_id_of(session)(u): u for u in ids}`)."""
    if session.get_bind().dialect.name == "postgresql":
        return str
    return _hex_of


_hex_of = attrgetter("hex")


class JsonList(TypeDecorator[Sequence[Any]]):
    """A sequence of values of `item` sent to SQLite as one JSON list, each value as the
    column stores it (a UUID as its 32 hex digits), for `json_each`."""

    impl = UnicodeText
    cache_ok = True

    def __init__(self, item: TypeEngine[Any]):
        super().__init__()
        self.item = item

    def process_bind_param(self, value: Sequence[Any] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, DumpedIds):
            return str(value)  # the drivers' own type
        if isinstance(self.item, Uuid) and not dialect.supports_native_uuid:
            # what Uuid's own processor stores, without its call per value (a caseload
            # sends its 2 000 ids to 15 statements)
            return json.dumps([v.hex for v in value])
        stored = self.item.bind_processor(dialect)
        return json.dumps([stored(v) for v in value] if stored else list(value))


class UuidArrayText(TypeDecorator[Sequence[Any]]):
    """A sequence of UUIDs sent to PostgreSQL as the text of one uuid[] array, of type
    unknown: the server gives the parameter the type uuid[] from `column = ANY(…)` and
    parses it in C. psycopg dumps a list parameter in Python, an id at a time (its dumper,
    a regular expression for quoting, the list's type): for a caseload's 2 000 ids to 15
    statements ~60 ms of the call (issue 21). The parameter itself is typed uuid[] (no
    cast), so the planner still sees the array and its length: a text parameter cast to
    uuid[] hid them (`array_in` is only stable), and the caseload took 17–20 s."""

    impl = NullType
    cache_ok = True

    def process_bind_param(self, value: Sequence[Any] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, DumpedIds):
            return str(value)  # the drivers' own type
        return "{" + ",".join([v.hex for v in value]) + "}"


def _list_type(
    session: Session, column: ColumnElement[Any] | QueryableAttribute[Any]
) -> TypeEngine[Any]:
    if session.get_bind().dialect.name == "postgresql":
        if isinstance(column.type, Uuid):
            return UuidArrayText()
        return ARRAY(column.type)
    return JsonList(column.type)


def _among(
    session: Session, column: ColumnElement[Any] | QueryableAttribute[Any], values: Any
) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(values)
    return column.in_(select(literal_column("value")).select_from(func.json_each(values)))


def plain_rows(
    session: Session, stmt: Executable, parameters: Mapping[str, Any] | None = None
) -> list[Row[*tuple[Any, ...]]]:
    """All rows of a column select, read through the session's connection: the ORM's
    result handling costs time per row and adds nothing for plain columns. The session is
    flushed first (a no-op when nothing is pending), since this read bypasses autoflush.
    The rows are untyped (any number of columns of any type), as `stmt` is any select.
    `parameters`: values of its `bindparam`s (a statement from `built_once`)."""
    session.flush()
    return list(session.connection().execute(stmt, parameters).all())


_BUILT: dict[Hashable, Any] = {}


def built_once(key: Hashable, build: Callable[[], E]) -> E:
    """The statement `build` makes, made once per `key` and kept for the process; its
    values are `bindparam`s given at execution (`plain_rows(..., parameters)`).

    SQLAlchemy builds a statement in Python each time the code that writes it runs, and
    derives its cache key from the whole tree before it finds the compiled SQL in its
    cache: for a month's statistics 40 % of the call's time went to that, more than to
    the database (issue 21). A kept statement is neither built again nor keyed again (its
    cache key is kept on it). `key` names the statement's shape: everything `build`
    depends on other than its bound parameters (e.g. whether a unit is given, the
    dialect). Statements are not changed once built, so threads may share them."""
    stmt = _BUILT.get(key)
    if stmt is None:
        stmt = _BUILT.setdefault(key, build())
    return stmt


def without_jit(session: Session) -> None:
    """No JIT compilation for the rest of the transaction, on PostgreSQL. Lists of a few
    thousand ids make the planner's estimates pass jit_above_cost, and compiling a plan then
    costs more than running it (the chef's caseload of 2 000 cases at 100 000 households:
    2.3 s instead of 0.55 s). `db init-server` sets jit = off for the database, but a
    database restored from a dump or copied from a template does not keep that setting.
    SET LOCAL ends with the transaction (every UI call has its own)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
