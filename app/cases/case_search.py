"""One search field: personnummer in any common spelling, name, or case number.

Every query shape is answered from an index (personnummer unique index, the unit's name
index read in hit order, case-number unique index) so a search stays far below 50 ms on
100k households, whatever the name.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, exists, not_, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from app.common.identity_number import (
    InvalidIdentityNumber,
    format_identity_number,
    parse_identity_number,
)
from app.common.text_input import search_key
from app.db.batches import among_bound, built_once, plain_rows
from app.models import (
    Case,
    CaseSearchName,
    CaseStatus,
    HouseholdMember,
    MemberRole,
    Person,
    Role,
    User,
)
from app.security import audit
from app.security.actor import Actor

MAX_HITS = 200
# "EB-2026-000123", "eb 2026 123" or "2026-123"
# (a personnummer never has 4 digits before its hyphen)
_CASE_NUMBER = re.compile(r"^(?:EB[\s-]*(\d{4})[\s-]*(\d{1,6})|(\d{4})-(\d{1,6}))$", re.IGNORECASE)
_DIGITS = re.compile(r"^[\d\s+-]+$")


@dataclass(frozen=True)
class SearchHit:
    case_id: uuid.UUID
    case_number: str
    status: CaseStatus
    person_id: uuid.UUID
    person_name: str
    personal_number: str  # display form ÅÅÅÅMMDD-NNNN
    role: MemberRole
    responsible_name: str


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    message: str = ""
    """Why nothing was found, or a hint on how to search; empty when hits speak for themselves."""
    truncated: bool = False


def _prefix_bounds(name: str, prefix: str) -> dict[str, str]:
    """The bound values of `_bound_prefix(column, name)` for `prefix`."""
    return {f"{name}_low": prefix, f"{name}_high": prefix + "\U0010ffff"}


def _number_filter(text: str) -> tuple[str | None, dict[str, str], str]:
    """For a query of digits (personnummer or birth date): the shape of its WHERE clause on
    Person (a key of `_NUMBER_WHERE`) and its bound values, or None and a message for the
    user."""
    digits = re.sub(r"\D", "", text)
    if len(digits) in (10, 12):
        try:
            number = parse_identity_number(text)
        except InvalidIdentityNumber as exc:
            return None, {}, f"{exc} Sökningen gav inga träffar."
        return "personnummer", {"personal_number": number.digits}, ""
    if len(digits) == 8:
        return "birth date", _prefix_bounds("d0", digits), ""
    if len(digits) == 6:
        return (
            "birth date without century",
            {**_prefix_bounds("d0", "19" + digits), **_prefix_bounds("d1", "20" + digits)},
            "",
        )
    return (
        None,
        {},
        "Skriv hela personnumret, födelsedatumet (ÅÅMMDD), ett namn eller ett ärendenummer.",
    )


_OTHER_MEMBER = aliased(HouseholdMember)
_OTHER_PERSON = aliased(Person)

_HIT_COLUMNS = (
    Case.id.label("case_id"),
    Case.case_number,
    Case.status,
    Case.household_id,
    Case.responsible_user_id,
    User.full_name.label("responsible_name"),
    Person.id.label("person_id"),
    Person.first_name,
    Person.last_name,
    Person.personal_number,
    Person.last_name_key,
    Person.first_name_key,
    HouseholdMember.role,
    # whether someone in the household has skyddade personuppgifter: asked per hit row (a
    # few index probes each) rather than in a statement of its own
    exists()
    .where(_OTHER_MEMBER.household_id == Case.household_id)
    .where(_OTHER_PERSON.id == _OTHER_MEMBER.person_id)
    .where(_OTHER_PERSON.protected_identity)
    .label("household_protected"),
)


def _hit_query(actor: Actor | None):
    """The hit rows of the actor's unit (None: of the unit bound as unit_id)."""
    return (
        select(*_HIT_COLUMNS)
        .join(HouseholdMember, HouseholdMember.household_id == Case.household_id)
        .join(Person, Person.id == HouseholdMember.person_id)
        .outerjoin(User, User.id == Case.responsible_user_id)
        .where(Case.unit_id == (actor.unit_id if actor else bindparam("unit_id")))
    )


_NUMBER_WHERE = {
    "personnummer": lambda: Person.personal_number == bindparam("personal_number"),
    # `LIKE 'prefix%'` written as a range, which every database answers from an index
    "birth date": lambda: _bound_prefix(Person.personal_number, "d0"),
    "birth date without century": lambda: or_(
        _bound_prefix(Person.personal_number, "d0"), _bound_prefix(Person.personal_number, "d1")
    ),
}
"""The WHERE clause on Person of each shape `_number_filter` gives."""


def _number_hits(shape: str):
    """The hit rows (bound: unit_id and the shape's values) of a personnummer or birth
    date, in `_order`, at most MAX_HITS + 1. Built once per shape (`built_once`): building
    and keying the statement took as long as the database took to answer it."""
    return built_once(
        ("case_search.number", shape),
        lambda: (
            _hit_query(None)
            .where(_NUMBER_WHERE[shape]())
            .order_by(
                Case.status == CaseStatus.CLOSED,
                Person.last_name_key,
                Person.first_name_key,
                Case.case_number,
            )
            .limit(MAX_HITS + 1)
        ),
    )


def _case_number_hits():
    """The applicant's hit row of the case numbered as bound (case_number; unit_id)."""
    return built_once(
        ("case_search.case_number",),
        lambda: (
            _hit_query(None)
            .where(Case.case_number == bindparam("case_number"))
            .where(HouseholdMember.role == MemberRole.APPLICANT)
        ),
    )


def _order(row) -> tuple:
    """Open cases first, then by name (last, first) and case number."""
    return (row.status is CaseStatus.CLOSED, row.last_name_key, row.first_name_key, row.case_number)


def _name_clause(number: int):
    """Token `number` (bound as t{number}_low, t{number}_high) as a prefix of the first or
    the last name."""
    entries = CaseSearchName
    return or_(
        _bound_prefix(entries.first_name_key, f"t{number}"),
        _bound_prefix(entries.last_name_key, f"t{number}"),
    )


def _bound_prefix(column, name: str):
    """`column LIKE 'prefix%'` as a range (answered from an index), its bounds given at
    execution as {name}_low and {name}_high (`_prefix_bounds`)."""
    return and_(column >= bindparam(f"{name}_low"), column < bindparam(f"{name}_high"))


def _token_bounds(tokens: list[str]) -> dict[str, str]:
    """The bound values of `_bound_prefix` for each token (named t0, t1, …)."""
    bounds = {}
    for number, token in enumerate(tokens):
        bounds.update(_prefix_bounds(f"t{number}", token))
    return bounds


def _entries_in_hit_order(tokens: int, limit: int):
    """The first `limit` (case, member) pairs of the unit's name index (bound: unit_id)
    matching every one of `tokens` tokens (as a prefix of the first or the last name), in
    `_order`.

    Four branches, each one ordered range scan of an index that starts with (unit, closed)
    and cut at `limit`: open and closed cases, by last name and by first name (the second
    without those the first finds). So a common surname costs the hits shown, not every
    person of that name in the municipality. Built once per number of tokens
    (`built_once`): building and keying the four branches took longer than the database
    took to run them."""
    entries = CaseSearchName
    rest = [_name_clause(number) for number in range(1, tokens)]
    by_last = _bound_prefix(entries.last_name_key, "t0")
    by_first = _bound_prefix(entries.first_name_key, "t0")
    columns = (
        entries.closed,
        entries.last_name_key,
        entries.first_name_key,
        entries.case_number,
        entries.case_id,
        entries.person_id,
    )
    branches = [
        select(*columns)
        .where(entries.unit_id == bindparam("unit_id"), entries.closed == closed, *where, *rest)
        .order_by(*columns[1:])
        .limit(limit)
        .subquery()
        for closed in (False, True)
        for where in ((by_last,), (by_first, not_(by_last)))
    ]
    union = union_all(*(select(*branch.c) for branch in branches)).subquery()
    return select(union.c.case_id, union.c.person_id).order_by(*union.c).limit(limit)


def _hits_of_pairs(session: Session):
    """The hit rows of the unit (bound: unit_id) for the cases and persons given (bound:
    case_ids, person_ids), built once per dialect."""
    dialect = session.get_bind().dialect.name
    return built_once(
        ("case_search.hits", dialect),
        lambda: (
            _hit_query(None)
            .where(among_bound(session, Case.id, "case_ids"))
            .where(among_bound(session, Person.id, "person_ids"))
        ),
    )


def _name_rows(session: Session, actor: Actor, tokens: list[str], limit: int) -> list:
    """The first `limit` rows in `_order` of a name search: the pairs from the unit's name
    index, then their hit rows (the index only says where to look: what is shown is read
    from the tables, under the same access rules as every other search)."""
    entries = built_once(
        ("case_search.entries", len(tokens), limit),
        lambda: _entries_in_hit_order(len(tokens), limit),
    )
    pairs = plain_rows(session, entries, {"unit_id": actor.unit_id, **_token_bounds(tokens)})
    if not pairs:
        return []
    wanted = {(pair.case_id, pair.person_id) for pair in pairs}
    rows = plain_rows(
        session,
        _hits_of_pairs(session),
        {
            "unit_id": actor.unit_id,
            "case_ids": list({case_id for case_id, _ in wanted}),
            "person_ids": list({person_id for _, person_id in wanted}),
        },
    )
    return sorted((row for row in rows if (row.case_id, row.person_id) in wanted), key=_order)


def search(session: Session, actor: Actor, query: str) -> SearchResult:
    """Find cases by personnummer, name or case number, limited to what the actor may read."""
    if actor.role is Role.ADMINISTRATOR:
        return SearchResult([], "Administratörer har inte tillgång till ärendeinnehåll.")
    # Control characters and lone surrogates (pasted junk) would make the database driver
    # fail (UTF-8 encoding; NUL on PostgreSQL): they separate words like a space.
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in (query or "")
    ).strip()[:100]
    if not text:
        return SearchResult([], "")
    message = ""
    match = _CASE_NUMBER.match(text)
    if match:
        year, number = match.group(1) or match.group(3), match.group(2) or match.group(4)
        rows = plain_rows(
            session,
            _case_number_hits(),
            {"unit_id": actor.unit_id, "case_number": f"EB-{year}-{int(number):06d}"},
        )
    elif _DIGITS.match(text):
        shape, values, message = _number_filter(text)
        if shape is None:
            return SearchResult([], message)
        rows = plain_rows(session, _number_hits(shape), {"unit_id": actor.unit_id, **values})
    else:
        tokens = [t for t in search_key(text).replace("-", " ").split() if t]
        if not tokens:
            return SearchResult([], "Skriv ett namn, ett personnummer eller ett ärendenummer.")
        rows = _name_rows(session, actor, tokens, MAX_HITS + 1)
    truncated = len(rows) > MAX_HITS
    rows = rows[:MAX_HITS]
    hits = [
        SearchHit(
            row.case_id,
            row.case_number,
            row.status,
            row.person_id,
            f"{row.first_name} {row.last_name}",
            format_identity_number(row.personal_number),
            row.role,
            row.responsible_name or "Ej tilldelad",
        )
        for row in rows
        if not (
            row.household_protected and not actor.is_manager and row.responsible_user_id != actor.id
        )
    ]
    audit.record_persons(
        session,
        actor,
        audit.Action.SEARCH,
        "person",
        dict.fromkeys(h.person_id for h in hits[:50]),
        summary="search",
        detail=f"{len(hits)} träffar för sökning ({len(text)} tecken)",
    )
    if not hits and not message:
        message = f"Inga ärenden hittades för ”{text}”."
    return SearchResult(hits, message, truncated)
